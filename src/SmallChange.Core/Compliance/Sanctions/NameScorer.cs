using System.Collections.Frozen;
using SmallChange.Core.Compliance.Sanctions.Text;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>A list name (primary or alias) prepared for scoring: its normalised tokens and their weights.</summary>
internal sealed class IndexedName
{
    public IndexedName(int entryIndex, bool isPrimary, string text, string[] tokens)
    {
        EntryIndex = entryIndex;
        IsPrimary = isPrimary;
        Text = text;
        Tokens = tokens;
        Weights = new float[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            Weights[i] = NameScorer.TokenWeight(tokens[i]);
            TotalWeight += Weights[i];
        }
    }

    public int EntryIndex { get; }

    public bool IsPrimary { get; }

    /// <summary>The name as the list writes it.</summary>
    public string Text { get; }

    public string[] Tokens { get; }

    public float[] Weights { get; }

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

        var joins = new List<(string, int, int)>();
        for (var i = 0; i < count; i++)
        {
            for (var n = 2; n <= 3 && i + n <= count; n++)
            {
                joins.Add((string.Concat(Tokens.Skip(i).Take(n).Select(t => t.Text)), i, n));
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

    /// <summary>An initial against a name starting with that letter.</summary>
    public const double InitialSimilarity = 0.85;

    /// <summary>Subtracted per character of length difference beyond the first (Jaro–Winkler alone favours prefixes: ali/alizai).</summary>
    public const double LengthPenalty = 0.08;

    /// <summary>Weight of query coverage in the name score (the rest is list-name coverage).</summary>
    public const double QueryShare = 0.6;

    public const float ParticleWeight = 0.35f;
    public const float InitialWeight = 0.6f;

    /// <summary>Skeleton similarity counts this much for tokens from scripts without short vowels.</summary>
    private const double SkeletonFactor = 0.92;

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

    /// <summary>Similarity of two tokens, 0 below <see cref="MinTokenSimilarity"/>.</summary>
    public static double TokenSimilarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        if (a.SequenceEqual(b))
        {
            return 1;
        }

        if (a.Length == 1 || b.Length == 1)
        {
            return a.Length != b.Length && a[0] == b[0] ? InitialSimilarity : 0;
        }

        var sim = JaroWinkler.Similarity(a, b);
        var diff = Math.Abs(a.Length - b.Length);
        if (diff > 1)
        {
            sim -= LengthPenalty * (diff - 1);
        }

        return sim >= MinTokenSimilarity ? sim : 0;
    }

    /// <summary>Best similarity of a query token (any of its spellings) to a list token.</summary>
    public static double TokenSimilarity(NameToken q, ReadOnlySpan<char> listToken)
    {
        var best = 0.0;
        foreach (var s in q.Spellings)
        {
            var v = TokenSimilarity(s, listToken);
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
            var n = Skeleton(listToken, buf);
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

    /// <summary>Scores one list name against the query.</summary>
    public static NameScore Score(PreparedQuery q, IndexedName c)
    {
        var n = q.Tokens.Length;
        var m = Math.Min(c.Tokens.Length, MaxListTokens);
        if (n == 0 || m == 0)
        {
            return NameScore.None;
        }

        // Candidate pairs: (similarity, query mask, list mask). At most n·m singles plus joins.
        Span<Pair> pairs = stackalloc Pair[Math.Min(n * m + (q.Joins.Length * m) + (n * m * 2), 1024)];
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            var qt = q.Tokens[i];
            for (var j = 0; j < m; j++)
            {
                var s = TokenSimilarity(qt, c.Tokens[j]);
                if (s > 0 && count < pairs.Length)
                {
                    pairs[count++] = new Pair(s, 1 << i, 1 << j, s >= 1);
                }
            }

            // The query token written as two or three list tokens (abdulhai ↔ abdul hai).
            var qlen = qt.Text.Length;
            for (var j = 0; j + 1 < m; j++)
            {
                var joinedLen = c.Tokens[j].Length + c.Tokens[j + 1].Length;
                if (joinedLen > qlen + 2 || joinedLen + 2 < qlen)
                {
                    if (j + 2 < m && joinedLen + c.Tokens[j + 2].Length is var l3 && l3 <= qlen + 2 && l3 + 2 >= qlen)
                    {
                        AddJoined(ref count, pairs, qt, c, j, 3, 1 << i);
                    }

                    continue;
                }

                AddJoined(ref count, pairs, qt, c, j, 2, 1 << i);
            }
        }

        // Two or three query tokens written as one list token.
        foreach (var (text, start, len) in q.Joins)
        {
            for (var j = 0; j < m; j++)
            {
                var lt = c.Tokens[j];
                if (Math.Abs(lt.Length - text.Length) > 2)
                {
                    continue;
                }

                var s = TokenSimilarity(text, lt);
                if (s > 0 && count < pairs.Length)
                {
                    pairs[count++] = new Pair(s, ((1 << len) - 1) << start, 1 << j, s >= 1);
                }
            }
        }

        // Greedy assignment, best pair first; on equal similarity the pair covering more tokens first.
        var span = pairs[..count];
        span.Sort(static (x, y) =>
        {
            var bySim = y.Similarity.CompareTo(x.Similarity);
            return bySim != 0 ? bySim : (BitCount(y.QueryMask) + BitCount(y.ListMask)).CompareTo(BitCount(x.QueryMask) + BitCount(x.ListMask));
        });
        int usedQ = 0, usedC = 0, exact = 0;
        double qCovered = 0, cCovered = 0;
        foreach (var p in span)
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

    private static void AddJoined(ref int count, Span<Pair> pairs, NameToken qt, IndexedName c, int j, int len, int qMask)
    {
        Span<char> buf = stackalloc char[128];
        var w = 0;
        for (var k = j; k < j + len; k++)
        {
            var t = c.Tokens[k];
            if (w + t.Length > buf.Length)
            {
                return;
            }

            t.CopyTo(buf[w..]);
            w += t.Length;
        }

        var s = TokenSimilarity(qt, buf[..w]);
        if (s > 0 && count < pairs.Length)
        {
            pairs[count++] = new Pair(s, qMask, ((1 << len) - 1) << j, s >= 1);
        }
    }

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

    private static int Skeleton(ReadOnlySpan<char> token, Span<char> buf)
    {
        var n = 0;
        var prev = '\0';
        foreach (var c0 in token[..Math.Min(token.Length, buf.Length)])
        {
            var c = c0 == 'w' ? 'v' : c0;
            if (c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y' || c == prev)
            {
                prev = c;
                continue;
            }

            buf[n++] = c;
            prev = c;
        }

        return n;
    }

    private readonly record struct Pair(double Similarity, int QueryMask, int ListMask, bool Exact);
}
