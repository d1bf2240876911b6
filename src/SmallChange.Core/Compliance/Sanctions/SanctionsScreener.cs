using System.Globalization;
using System.Text;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>Settings of a <see cref="SanctionsScreener"/>.</summary>
public sealed record SanctionsScreenerOptions
{
    /// <summary>
    /// The score from which a match is reported (and alerts). Chosen on the project's fixtures (docs/performance.md):
    /// every clean and misspelled UN name is found at rank 1 above it, with or without date of birth and nationality;
    /// of 2,000 people on no list, 0.1% alert with them and 0.9% on the name alone.
    /// </summary>
    public const double RecommendedThreshold = 0.86;

    public double Threshold { get; init; } = RecommendedThreshold;

    /// <summary>Also screen weak / low-quality aliases (OFAC's weak a.k.a.s, UN quality "Low"): more noise, so off by default.</summary>
    public bool IncludeWeakAliases { get; init; }

    /// <summary>At most this many matches per screening (best first).</summary>
    public int MaxResults { get; init; } = 10;
}

/// <summary>
/// Screens names against sanctions lists. Built once from lists (read from files or from stored entries), then pure
/// and thread-safe: <see cref="Screen"/> finds candidates through an index (<see cref="NameIndex"/>), scores them by
/// token-aware Jaro–Winkler (<see cref="NameScorer"/>), and adjusts the score by date of birth and nationality:
/// <list type="bullet">
/// <item>birth date: the listed full date +0.05, a listed year (or span) covering the year +0.03, one year apart 0,
/// further apart −0.15 (persons with a listed date only);</item>
/// <item>nationality: one of the listed nationalities +0.02, none of them −0.05 (when the entry lists any).</item>
/// </list>
/// <see cref="NaiveScan"/> scores every list name with the same scorer; it exists only as the benchmark's baseline.
/// </summary>
public sealed class SanctionsScreener
{
    public const double DobFullDateBonus = 0.05;
    public const double DobYearBonus = 0.03;
    public const double DobMismatchPenalty = 0.15;
    public const double NationalityBonus = 0.02;
    public const double NationalityMismatchPenalty = 0.05;

    /// <summary>Slack on the index's coverage cut-off (list tokens written together, pairs no index key links).</summary>
    private const double CandidateMargin = 0.1;

    private readonly SanctionsEntry[] _entries;
    private readonly HashSet<string>[] _nationalities;
    private readonly IndexedName[] _names;
    private readonly NameIndex _index;

    public SanctionsScreener(IEnumerable<SanctionsList> lists, SanctionsScreenerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        Options = options ?? new SanctionsScreenerOptions();
        if (Options.Threshold is <= 0 or > 1 || Options.MaxResults < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Threshold is in (0, 1] and MaxResults at least 1.");
        }

        Lists = [.. lists];
        _entries = Lists.SelectMany(l => l.Entries).ToArray();
        _nationalities = _entries.Select(e => new HashSet<string>(e.Nationalities, StringComparer.Ordinal)).ToArray();
        var names = new List<IndexedName>(_entries.Length * 3);
        for (var i = 0; i < _entries.Length; i++)
        {
            var e = _entries[i];
            AddName(names, i, true, e.PrimaryName);
            foreach (var a in e.Aliases)
            {
                AddName(names, i, false, a);
            }

            if (Options.IncludeWeakAliases)
            {
                foreach (var a in e.WeakAliases)
                {
                    AddName(names, i, false, a);
                }
            }
        }

        _names = [.. names];
        _index = new NameIndex(_names);
    }

    public SanctionsScreenerOptions Options { get; }

    public IReadOnlyList<SanctionsList> Lists { get; }

    public int EntryCount => _entries.Length;

    /// <summary>Names indexed (primary names and aliases, after de-duplication per entry).</summary>
    public int NameCount => _names.Length;

    /// <summary>Distinct tokens in the index.</summary>
    public int TermCount => _index.TermCount;

    /// <summary>Screens one person or organisation. <paramref name="threshold"/> overrides <see cref="SanctionsScreenerOptions.Threshold"/>.</summary>
    public ScreeningResult Screen(ScreeningQuery query, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var t = CheckThreshold(threshold);
        var prepared = new PreparedQuery(NameNormalizer.Normalize(query.FullName));
        if (prepared.IsEmpty)
        {
            return new ScreeningResult(query, t, []);
        }

        // A name can reach the threshold only if query coverage c gives QueryShare·c + (1 − QueryShare) + bonuses ≥ t;
        // the index drops names whose estimated coverage is below that, less a margin for what the estimate misses.
        var minCoverage = (t - (1 - NameScorer.QueryShare) - DobFullDateBonus - NationalityBonus - CandidateMargin) / NameScorer.QueryShare;
        return Rank(query, prepared, _index.Candidates(prepared, minCoverage), t);
    }

    /// <summary>The same screening by scoring every list name: the baseline the index is measured against.</summary>
    public ScreeningResult NaiveScan(ScreeningQuery query, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var t = CheckThreshold(threshold);
        var prepared = new PreparedQuery(NameNormalizer.Normalize(query.FullName));
        if (prepared.IsEmpty)
        {
            return new ScreeningResult(query, t, []);
        }

        var all = new int[_names.Length];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        return Rank(query, prepared, all, t);
    }

    private double CheckThreshold(double? threshold)
    {
        var t = threshold ?? Options.Threshold;
        return t is > 0 and <= 1 ? t : throw new ArgumentOutOfRangeException(nameof(threshold), "A threshold is in (0, 1].");
    }

    private ScreeningResult Rank(ScreeningQuery query, PreparedQuery prepared, int[] candidates, double threshold)
    {
        var nationality = CountryNames.ToCode(query.Nationality);

        // Best name per entry.
        var scores = new NameScore[candidates.Length];
        _index.Score(prepared, candidates, scores);
        var best = new Dictionary<int, (NameScore Score, int Name)>();
        for (var k = 0; k < candidates.Length; k++)
        {
            var n = candidates[k];
            var name = _names[n];
            var s = scores[k];
            if (s.Score <= 0)
            {
                continue;
            }

            if (!best.TryGetValue(name.EntryIndex, out var cur) || s.Score > cur.Score.Score || (s.Score == cur.Score.Score && n < cur.Name))
            {
                best[name.EntryIndex] = (s, n);
            }
        }

        var matches = new List<(double Score, int Entry, NameScore Name, int NameIndex, double Dob, double Nat)>();
        foreach (var (entry, (ns, nameIndex)) in best)
        {
            // The adjustments can add at most DobFullDateBonus + NationalityBonus.
            if (ns.Score + DobFullDateBonus + NationalityBonus < threshold)
            {
                continue;
            }

            var dob = DobAdjustment(_entries[entry], query.BirthDate);
            var nat = NationalityAdjustment(entry, nationality);
            var score = Math.Clamp(ns.Score + dob + nat, 0, 1);
            if (score >= threshold)
            {
                matches.Add((score, entry, ns, nameIndex, dob, nat));
            }
        }

        matches.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Entry.CompareTo(b.Entry));
        var result = new List<ScreeningMatch>(Math.Min(matches.Count, Options.MaxResults));
        foreach (var m in matches.Take(Options.MaxResults))
        {
            var name = _names[m.NameIndex];
            result.Add(new ScreeningMatch(_entries[m.Entry], Math.Round(m.Score, 4), Math.Round(m.Name.Score, 4), name.Text, name.IsPrimary,
                Explain(m.Name, m.Dob, m.Nat, query.BirthDate is not null, nationality is not null, _entries[m.Entry])));
        }

        return new ScreeningResult(query, threshold, result);
    }

    /// <summary>The score change from the date of birth (0 when either side has none or the entry is not a person).</summary>
    internal static double DobAdjustment(SanctionsEntry e, PartialDate? dob)
    {
        if (dob is not { } d || e.Type != SanctionsEntryType.Person || e.BirthDates.Count == 0)
        {
            return 0;
        }

        var bestApart = int.MaxValue;
        foreach (var b in e.BirthDates)
        {
            if (b.Day is { } day && b.Month is { } month && d.Month == month && d.Day == day && d.Year == b.FromYear)
            {
                return DobFullDateBonus;
            }

            bestApart = Math.Min(bestApart, b.CoversYear(d.Year) ? 0 : b.YearsApart(d.Year));
        }

        return bestApart switch
        {
            0 => DobYearBonus,
            1 => 0,
            _ => -DobMismatchPenalty,
        };
    }

    private double NationalityAdjustment(int entry, string? code)
    {
        if (code is null || _entries[entry].Type != SanctionsEntryType.Person || _nationalities[entry].Count == 0)
        {
            return 0;
        }

        return _nationalities[entry].Contains(code) ? NationalityBonus : -NationalityMismatchPenalty;
    }

    private static string Explain(NameScore s, double dob, double nat, bool hasDob, bool hasNat, SanctionsEntry e)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"name {s.Score:0.00}: {s.QueryMatched} of {s.QueryTokens} query tokens matched ({s.Exact} exact), {s.ListMatched} of {s.ListTokens} list tokens");
        if (hasDob && e.Type == SanctionsEntryType.Person)
        {
            sb.Append("; ").Append(dob switch
            {
                > DobYearBonus => "birth date matches",
                > 0 => "birth year matches",
                0 when e.BirthDates.Count == 0 => "no birth date listed",
                0 => "birth year one year apart",
                _ => "birth year differs",
            });
            if (dob != 0)
            {
                sb.Append(inv, $" ({dob:+0.00;-0.00})");
            }
        }

        if (hasNat && e.Type == SanctionsEntryType.Person)
        {
            sb.Append("; ").Append(nat switch
            {
                > 0 => "nationality matches",
                < 0 => "nationality differs",
                _ => "no nationality listed",
            });
            if (nat != 0)
            {
                sb.Append(inv, $" ({nat:+0.00;-0.00})");
            }
        }

        return sb.ToString();
    }

    private static void AddName(List<IndexedName> names, int entry, bool primary, string text)
    {
        var normalized = NameNormalizer.Normalize(text);
        if (normalized.IsEmpty)
        {
            return;
        }

        var tokens = normalized.Tokens.Select(t => t.Text).ToArray();
        // The same tokens twice for one entry (an alias differing only in case or punctuation) add nothing.
        for (var i = names.Count - 1; i >= 0 && names[i].EntryIndex == entry; i--)
        {
            if (names[i].Tokens.AsSpan().SequenceEqual(tokens))
            {
                return;
            }
        }

        names.Add(new IndexedName(entry, primary, text, tokens));
    }
}
