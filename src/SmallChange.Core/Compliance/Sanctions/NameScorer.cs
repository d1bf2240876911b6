using System.Collections.Frozen;
using SmallChange.Core.Compliance.Sanctions.Text;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>A list name (primary or alias) prepared for scoring: its normalised tokens, their weights and letter masks.</summary>
internal sealed class IndexedName
{
    public IndexedName(int entryIndex, bool isPrimary, string text, string[] tokens)
    {
        EntryIndex = entryIndex;
        IsPrimary = isPrimary;
        Text = text;
        Tokens = tokens;
        Weights = new float[tokens.Length];
        Masks = new ulong[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            Weights[i] = NameScorer.TokenWeight(tokens[i]);
            Masks[i] = NameScorer.LetterMask(tokens[i]);
            TotalWeight += Weights[i];
        }
    }

    public int EntryIndex { get; }

    public bool IsPrimary { get; }

    /// <summary>The name as the list writes it.</summary>
    public string Text { get; }

    public string[] Tokens { get; }

    public float[] Weights { get; }

    /// <summary><see cref="NameScorer.LetterMask"/> of each token.</summary>
    public ulong[] Masks { get; }

    /// <summary>Each token's term id in the <see cref="NameIndex"/> that holds this name (set once by the index).</summary>
    public int[] TermIds { get; internal set; } = [];

    public float TotalWeight { get; }
}

/// <summary>A screened name prepared once per screening: tokens, weights and joins of adjacent tokens.</summary>
internal sealed class PreparedQuery
{
    public PreparedQuery(NormalizedName name)
    {
        var count = Math.Min(name.Tokens.Count, NameScorer.MaxQueryTokens);
        Tokens = new NameToken[count];
        Weights = new float[count];
        for (var i = 0; i < count; i++)
        {
            Tokens[i] = name.Tokens[i];
            Weights[i] = NameScorer.TokenWeight(Tokens[i].Text);
            TotalWeight += Weights[i];
        }

        // Pairs of adjacent tokens, and triples around a short middle token (abd al rahman, zia ur rahman).
        var joins = new List<(string, int, int)>();
        for (var i = 0; i + 1 < count; i++)
        {
            var pair = Tokens[i].Text + Tokens[i + 1].Text;
            joins.Add((pair, i, 2));
            if (i + 2 < count && Tokens[i + 1].Text.Length <= 3)
            {
                joins.Add((pair + Tokens[i + 2].Text, i, 3));
            }
        }

        Joins = [.. joins];
    }

    public NameToken[] Tokens { get; }

    public float[] Weights { get; }

    public float TotalWeight { get; }

    /// <summary>Adjacent query tokens written together (<c>abd al rahman</c> → <c>abdalrahman</c>): text, first token, count.</summary>
    public (string Text, int Start, int Count)[] Joins { get; }

    public bool IsEmpty => Tokens.Length == 0;
}

/// <summary>How a name matched: the score and the token counts the explanation reports.</summary>
internal readonly record struct NameScore(double Score, int QueryTokens, int QueryMatched, int Exact, int ListTokens, int ListMatched)
{
    public static readonly NameScore None = new(0, 0, 0, 0, 0, 0);
}

/// <summary>
/// Token-aware Jaro–Winkler. Every query token is compared with every list token (best over the query token's
/// spellings; initials match names that start with them; tokens written together are compared with the joined
/// tokens on the other side); pairs are then assigned greedily, best first, each token used once. Token order is
/// ignored. The name score is <c>0.6 · query coverage + 0.4 · list-name coverage</c>, where coverage is the
/// weight-averaged similarity of the tokens matched; an unmatched token counts 0, so missing and extra tokens lower the
/// score (missing query tokens more). Particles (al, bin, abu, de …) and company forms (ltd, llc …) weigh less.
/// </summary>
internal static class NameScorer
{
    public const int MaxQueryTokens = 10;
    public const int MaxListTokens = 24;

    /// <summary>Token pairs below this similarity do not match at all.</summary>
    public const double MinTokenSimilarity = 0.80;

    /// <summary>
    /// Tokens written together on one side match the joined tokens of the other only this closely: joining is for
    /// spacing variants (abdul rahman / abdulrahman), not for a fuzzy match of two names against one.
    /// </summary>
    public const double MinJoinSimilarity = 0.90;

    /// <summary>A query initial against a list name starting with that letter (a list initial matches only the same initial).</summary>
    public const double InitialSimilarity = 0.85;

    /// <summary>Subtracted per character of length difference beyond the first (Jaro–Winkler alone favours prefixes: ali/alizai).</summary>
    public const double LengthPenalty = 0.08;

    /// <summary>Weight of query coverage in the name score (the rest is list-name coverage).</summary>
    public const double QueryShare = 0.6;

    public const float ParticleWeight = 0.35f;
    public const float InitialWeight = 0.6f;

    /// <summary>Skeleton similarity counts this much for tokens from scripts without short vowels.</summary>
    private const double SkeletonFactor = 0.92;

    /// <summary>Token pairs kept per name (the best ones).</summary>
    private const int MaxPairs = 32;

    private static readonly FrozenSet<string> LowWeight = new[]
    {
        // Name particles and titles
        "al", "el", "ul", "ud", "ur", "ad", "ar", "as", "bin", "ben", "ibn", "bint", "abu", "abou", "bu", "de", "da", "del", "della",
        "di", "do", "dos", "das", "du", "la", "le", "van", "von", "der", "den", "ter", "y", "e", "mr", "mrs", "ms", "dr", "haji", "hajji",
        "alhaj", "alhaji", "mullah", "mulla", "maulavi", "maulvi", "mawlawi", "sheikh", "shaykh", "qari",
        // Company forms and filler words
        "the", "of", "and", "for", "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "llp",
        "plc", "sa", "sarl", "srl", "spa", "gmbh", "ag", "bv", "nv", "oy", "ab", "jsc", "ojsc", "cjsc", "pjsc", "ooo", "oao", "zao",
        "pao", "pte", "pvt", "pty", "bhd", "sdn", "kg", "group", "holding", "holdings", "trading", "international", "industries",
        "industrial", "enterprise", "enterprises", "establishment", "est", "fze", "fzco", "fzc", "general", "services",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static float TokenWeight(string token) =>
        LowWeight.Contains(token) ? ParticleWeight : token.Length == 1 ? InitialWeight : 1f;

    /// <summary>
    /// A 64-bit set of the characters of a token (a–z, 0–9, anything else hashed into the remaining bits), for a cheap
    /// upper bound on Jaro–Winkler: characters of one token absent from the other cannot match.
    /// </summary>
    public static ulong LetterMask(ReadOnlySpan<char> token)
    {
        ulong m = 0;
        foreach (var c in token)
        {
            m |= Bit(c);
        }

        return m;
    }

    /// <summary>Similarity of two tokens, 0 below <see cref="MinTokenSimilarity"/>.</summary>
    public static double TokenSimilarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => TokenSimilarity(a, b, LetterMask(b));

    /// <summary>
    /// Similarity of a query token <paramref name="a"/> and a list token <paramref name="b"/> (with its letter mask);
    /// 0 below <see cref="MinTokenSimilarity"/>.
    /// </summary>
    public static double TokenSimilarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b, ulong maskB)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        if (a.Length == 1 || b.Length == 1)
        {
            // A query initial matches a list name starting with it; a list initial stands for too much to match a name.
            return a.Length == b.Length ? (a[0] == b[0] ? 1 : 0) : a.Length == 1 && a[0] == b[0] ? InitialSimilarity : 0;
        }

        var diff = Math.Abs(a.Length - b.Length);
        if (diff > 3)
        {
            return 0; // the length penalty alone brings any such pair below the floor
        }

        var penalty = diff > 1 ? LengthPenalty * (diff - 1) : 0;

        // Upper bound: at most as many matches as characters of a that occur in b, no transpositions, full prefix boost.
        var possible = 0;
        foreach (var c in a)
        {
            if ((maskB & Bit(c)) != 0)
            {
                possible++;
            }
        }

        var m = Math.Min(possible, b.Length);
        var jaroMax = ((double)m / a.Length + (double)m / b.Length + 1) / 3;
        var jwMax = jaroMax >= JaroWinkler.BoostThreshold ? jaroMax + JaroWinkler.MaxPrefix * JaroWinkler.PrefixScale * (1 - jaroMax) : jaroMax;
        if (jwMax - penalty < MinTokenSimilarity)
        {
            return 0;
        }

        if (a.SequenceEqual(b))
        {
            return 1;
        }

        var sim = JaroWinkler.Similarity(a, b) - penalty;
        return sim >= MinTokenSimilarity ? sim : 0;
    }

    /// <summary>Best similarity of a query token (any of its spellings) to a list token.</summary>
    public static double TokenSimilarity(NameToken q, ReadOnlySpan<char> listToken) => TokenSimilarity(q, listToken, LetterMask(listToken));

    public static double TokenSimilarity(NameToken q, ReadOnlySpan<char> listToken, ulong listMask)
    {
        var best = 0.0;
        foreach (var s in q.SpellingArray)
        {
            var v = TokenSimilarity(s, listToken, listMask);
            if (v > best)
            {
                best = v;
                if (best >= 1)
                {
                    return 1;
                }
            }
        }

        if (q.Skeleton is { Length: >= 2 } sk)
        {
            Span<char> buf = stackalloc char[Math.Min(listToken.Length, 64)];
            var n = Transliteration.Skeleton(listToken, buf);
            if (n >= 2)
            {
                var v = SkeletonFactor * JaroWinkler.Similarity(sk, buf[..n]);
                if (v >= MinTokenSimilarity && v > best)
                {
                    best = v;
                }
            }
        }

        return best;
    }

    /// <summary>Scores one list name against the query; <paramref name="cache"/> memoises token similarities by term.</summary>
    public static NameScore Score(PreparedQuery q, IndexedName c, SimCache? cache = null)
    {
        var n = q.Tokens.Length;
        var m = Math.Min(c.Tokens.Length, MaxListTokens);
        if (n == 0 || m == 0)
        {
            return NameScore.None;
        }

        // Pairs above the floor, kept sorted best first: (similarity, query tokens, list tokens).
        Span<Pair> pairs = stackalloc Pair[MaxPairs];
        var count = 0;
        Span<char> buf = stackalloc char[64];
        for (var i = 0; i < n; i++)
        {
            var qt = q.Tokens[i];
            var best = 0.0;
            for (var j = 0; j < m; j++)
            {
                var s = Cached(cache, c, j, i, qt);
                if (s > 0)
                {
                    best = Math.Max(best, s);
                    Add(pairs, ref count, new Pair(s, 1 << i, 1 << j, s >= 1));
                }
            }

            if (best >= 1)
            {
                continue;
            }

            // The query token written as two or three list tokens (abdulhai ↔ abdul hai), starting with the same letter.
            var qlen = qt.Text.Length;
            var first = qt.Text[0];
            for (var j = 0; j + 1 < m; j++)
            {
                if (c.Tokens[j][0] != first)
                {
                    continue;
                }

                var joined = c.Tokens[j].Length;
                var mask = c.Masks[j];
                for (var k = j + 1; k < m && k < j + 3; k++)
                {
                    joined += c.Tokens[k].Length;
                    mask |= c.Masks[k];
                    if (joined > qlen + 2 || joined > buf.Length)
                    {
                        break;
                    }

                    if (joined + 2 < qlen)
                    {
                        continue;
                    }

                    var w = 0;
                    for (var x = j; x <= k; x++)
                    {
                        c.Tokens[x].CopyTo(buf[w..]);
                        w += c.Tokens[x].Length;
                    }

                    var s = TokenSimilarity(qt, buf[..w], mask);
                    if (s >= MinJoinSimilarity)
                    {
                        Add(pairs, ref count, new Pair(s, 1 << i, ((1 << (k - j + 1)) - 1) << j, s >= 1));
                    }
                }
            }
        }

        // Two or three query tokens written as one list token.
        for (var x = 0; x < q.Joins.Length; x++)
        {
            var (text, start, len) = q.Joins[x];
            for (var j = 0; j < m; j++)
            {
                var lt = c.Tokens[j];
                if (Math.Abs(lt.Length - text.Length) > 2 || lt[0] != text[0])
                {
                    continue;
                }

                var s = Cached(cache, c, j, n + x, null, text);
                if (s >= MinJoinSimilarity)
                {
                    Add(pairs, ref count, new Pair(s, ((1 << len) - 1) << start, 1 << j, s >= 1));
                }
            }
        }

        // Greedy assignment, best pair first; each token used once.
        int usedQ = 0, usedC = 0, exact = 0;
        double qCovered = 0, cCovered = 0;
        foreach (var p in pairs[..count])
        {
            if ((p.QueryMask & usedQ) != 0 || (p.ListMask & usedC) != 0)
            {
                continue;
            }

            usedQ |= p.QueryMask;
            usedC |= p.ListMask;
            qCovered += p.Similarity * MaskWeight(q.Weights, p.QueryMask);
            cCovered += p.Similarity * MaskWeight(c.Weights, p.ListMask);
            if (p.Exact)
            {
                exact += BitCount(p.QueryMask);
            }
        }

        var listWeight = m == c.Tokens.Length ? c.TotalWeight : MaskWeight(c.Weights, (1 << m) - 1);
        var score = QueryShare * (qCovered / q.TotalWeight) + (1 - QueryShare) * (cCovered / listWeight);
        return new NameScore(Math.Min(1, score), n, BitCount(usedQ), exact, m, BitCount(usedC));
    }

    private static double Cached(SimCache? cache, IndexedName c, int j, int slot, NameToken? token, string? text = null)
    {
        if (cache is null || c.TermIds.Length == 0)
        {
            return token is not null ? TokenSimilarity(token, c.Tokens[j], c.Masks[j]) : TokenSimilarity(text, c.Tokens[j], c.Masks[j]);
        }

        ref var v = ref cache.At(c.TermIds[j], slot);
        if (v < 0)
        {
            v = token is not null ? TokenSimilarity(token, c.Tokens[j], c.Masks[j]) : TokenSimilarity(text, c.Tokens[j], c.Masks[j]);
        }

        return v;
    }

    private static ulong Bit(char c) => c switch
    {
        >= 'a' and <= 'z' => 1UL << (c - 'a'),
        >= '0' and <= '9' => 1UL << (26 + c - '0'),
        _ => 1UL << (36 + (c % 28)),
    };

    /// <summary>Inserts keeping the pairs sorted: higher similarity first, then the pair covering more tokens.</summary>
    private static void Add(Span<Pair> pairs, ref int count, Pair p)
    {
        if (count == pairs.Length)
        {
            if (!Before(p, pairs[count - 1]))
            {
                return;
            }

            count--;
        }

        var i = count;
        while (i > 0 && Before(p, pairs[i - 1]))
        {
            pairs[i] = pairs[i - 1];
            i--;
        }

        pairs[i] = p;
        count++;
    }

    private static bool Before(Pair x, Pair y) =>
        x.Similarity > y.Similarity ||
        (x.Similarity == y.Similarity && BitCount(x.QueryMask) + BitCount(x.ListMask) > BitCount(y.QueryMask) + BitCount(y.ListMask));

    private static float MaskWeight(float[] weights, int mask)
    {
        var w = 0f;
        for (var i = 0; mask != 0; i++, mask >>= 1)
        {
            if ((mask & 1) != 0)
            {
                w += weights[i];
            }
        }

        return w;
    }

    private static int BitCount(int v) => System.Numerics.BitOperations.PopCount((uint)v);

    private readonly record struct Pair(double Similarity, int QueryMask, int ListMask, bool Exact);
}

/// <summary>
/// Token similarities computed during one screening, by list term and query slot (query token or join of tokens):
/// a list term recurs across names, so each pair is computed once. Reused per thread; cleared after each screening.
/// </summary>
internal sealed class SimCache(int terms)
{
    private readonly int[] _row = new int[terms];
    private readonly List<int> _used = new(256);
    private double[] _values = new double[4096];
    private int _width;

    public void Begin(int width) => _width = width;

    /// <summary>The cell for a term and slot: negative until computed.</summary>
    public ref double At(int term, int slot)
    {
        var row = _row[term] - 1;
        if (row < 0)
        {
            row = _used.Count;
            _used.Add(term);
            _row[term] = row + 1;
            var needed = (row + 1) * _width;
            if (needed > _values.Length)
            {
                Array.Resize(ref _values, Math.Max(needed, _values.Length * 2));
            }

            _values.AsSpan(row * _width, _width).Fill(-1);
        }

        return ref _values[(row * _width) + slot];
    }

    public void Reset()
    {
        foreach (var t in _used)
        {
            _row[t] = 0;
        }

        _used.Clear();
    }
}
