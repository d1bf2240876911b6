namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// Candidate generation, so a screening scores about a hundred list names instead of all of them.
/// <list type="bullet">
/// <item>Every distinct list token is a term with a posting list of the names that contain it.</item>
/// <item>Terms are found through keys (<see cref="TermKeys"/>): the token and every form of it with one character
/// deleted (so one typo, missing or extra letter, or swapped pair on either side meets on a common key), a phonetic
/// consonant skeleton (<c>mohammed</c>, <c>muhammad</c> → <c>mhmd</c>; <c>abdelkader</c>, <c>abdulqadir</c> →
/// <c>abdlkdr</c>), which brings transliteration variants together, and the skeleton's first five letters. A query token (each of its spellings, and each
/// join of two or three adjacent query tokens) looks its keys up and keeps the terms that pass <see cref="NameScorer"/>'s
/// token similarity: a handful of hash probes instead of a pass over the vocabulary.</item>
/// <item>IDF-style pruning: terms in more than <see cref="MaxDocumentFrequency"/> of the names (al, mohammed, ltd …) do
/// not propose candidates when the query has a rarer term; they only add to the estimates of names already proposed.</item>
/// <item>Names are ranked by an estimate of their score (matched query weight against the query's and the name's
/// weight) and the best <see cref="MaxCandidates"/> are scored exactly.</item>
/// </list>
/// Immutable after construction; a screening uses per-thread scratch buffers, so concurrent screenings are safe.
/// </summary>
internal sealed class NameIndex
{
    /// <summary>Share of all names above which a term no longer proposes candidates.</summary>
    public const double MaxDocumentFrequency = 0.02;

    /// <summary>List names scored exactly per screening.</summary>
    public const int MaxCandidates = 100;

    [ThreadStatic]
    private static Scratch? t_scratch;

    private readonly string[] _terms;
    private readonly int[][] _termNames;
    private readonly Dictionary<int, int[]> _keyTerms;
    private readonly ulong[] _termMasks;
    private readonly int _maxDf;

    public NameIndex(IReadOnlyList<IndexedName> names)
    {
        Names = names;
        var termIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var postings = new List<List<int>>();
        for (var n = 0; n < names.Count; n++)
        {
            var ids = new int[names[n].Tokens.Length];
            for (var j = 0; j < ids.Length; j++)
            {
                var t = names[n].Tokens[j];
                if (!termIds.TryGetValue(t, out var id))
                {
                    id = termIds.Count;
                    termIds.Add(t, id);
                    postings.Add([]);
                }

                ids[j] = id;

                var p = postings[id];
                if (p.Count == 0 || p[^1] != n)
                {
                    p.Add(n);
                }
            }

            names[n].TermIds = ids;
        }

        _terms = new string[termIds.Count];
        foreach (var (t, id) in termIds)
        {
            _terms[id] = t;
        }

        _termNames = postings.Select(p => p.ToArray()).ToArray();
        _termMasks = _terms.Select(t => NameScorer.LetterMask(t)).ToArray();
        var keyTerms = new Dictionary<int, List<int>>();
        Span<int> keys = stackalloc int[TermKeys.MaxKeys];
        for (var id = 0; id < _terms.Length; id++)
        {
            var k = TermKeys.Compute(_terms[id], keys);
            for (var i = 0; i < k; i++)
            {
                if (!keyTerms.TryGetValue(keys[i], out var list))
                {
                    keyTerms[keys[i]] = list = [];
                }

                if (list.Count == 0 || list[^1] != id)
                {
                    list.Add(id);
                }
            }
        }

        _keyTerms = keyTerms.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        _maxDf = Math.Max(50, (int)(names.Count * MaxDocumentFrequency));
    }

    public IReadOnlyList<IndexedName> Names { get; }

    public int TermCount => _terms.Length;

    /// <summary>
    /// Indexes into <see cref="Names"/> of the names worth scoring for <paramref name="q"/>, best estimate first: at most
    /// <see cref="MaxCandidates"/>, and only names whose estimated query coverage (matched query weight over the
    /// query's weight) reaches <paramref name="minQueryCoverage"/>.
    /// </summary>
    public int[] Candidates(PreparedQuery q, double minQueryCoverage = 0)
    {
        var s = ScratchFor();
        try
        {
            return Collect(q, s, minQueryCoverage);
        }
        finally
        {
            s.Reset();
        }
    }

    private Scratch ScratchFor()
    {
        var s = t_scratch;
        if (s is null || s.Owner != this)
        {
            t_scratch = s = new Scratch(this, _terms.Length, Names.Count);
        }

        return s;
    }

    private int[] Collect(PreparedQuery q, Scratch s, double minQueryCoverage)
    {
        // Slots: each query token, then each join of adjacent tokens.
        var slots = q.Tokens.Length + q.Joins.Length;
        var slotTerms = s.SlotTerms(slots);
        Span<float> slotWeights = stackalloc float[slots];
        slotWeights.Clear();
        var anyRare = false;
        for (var i = 0; i < slots; i++)
        {
            if (i < q.Tokens.Length)
            {
                var tok = q.Tokens[i];
                slotWeights[i] = q.Weights[i];
                if (tok.Text.Length == 1 && q.Tokens.Length > 1)
                {
                    continue; // an initial proposes nothing on its own
                }

                foreach (var spelling in tok.SpellingArray)
                {
                    FindTerms(spelling, tok, s, slotTerms[i]);
                }

                if (tok.Skeleton is { Length: >= 2 })
                {
                    FindTerms(tok.Skeleton, tok, s, slotTerms[i]);
                }
            }
            else
            {
                var (text, start, count) = q.Joins[i - q.Tokens.Length];
                for (var k = start; k < start + count; k++)
                {
                    slotWeights[i] += q.Weights[k];
                }

                FindTerms(text, null, s, slotTerms[i]);
            }

            foreach (var (term, _) in slotTerms[i])
            {
                anyRare |= _termNames[term].Length <= _maxDf;
                s.FoundAt[term] = 0;
            }

            s.ClearRejected();
        }

        s.Begin(slots);

        // Rare terms propose candidates; with a rare term present, frequent ones only add to names already proposed.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var slot = 0; slot < slots; slot++)
            {
                foreach (var (term, sim) in slotTerms[slot])
                {
                    var postings = _termNames[term];
                    var frequent = anyRare && postings.Length > _maxDf;
                    if (frequent != (pass == 1))
                    {
                        continue;
                    }

                    var v = (float)(sim * slotWeights[slot]);
                    foreach (var name in postings)
                    {
                        s.Add(name, slot, v, onlyIfTouched: frequent);
                    }
                }
            }
        }

        // Rank by an estimate of the final score from the matched weight (joins can count a token twice: capped);
        // drop names that cannot cover enough of the query.
        var touched = s.TouchedNames;
        var keys = s.Estimates(touched.Count);
        var kept = 0;
        for (var i = 0; i < touched.Count; i++)
        {
            var name = touched[i];
            var acc = s.Acc(i);
            var coverage = Math.Min(1, acc / q.TotalWeight);
            if (coverage < minQueryCoverage)
            {
                continue;
            }

            var est = (NameScorer.QueryShare * coverage) + ((1 - NameScorer.QueryShare) * Math.Min(1, acc / Names[name].TotalWeight));
            // Sortable key: higher estimate first (in millionths), then lower name index.
            keys[kept++] = ((long)Math.Round((1 - est) * 1_000_000) << 32) | (uint)name;
        }

        var sorted = keys[..kept];
        sorted.Sort();
        var take = Math.Min(MaxCandidates, kept);
        var result = new int[take];
        for (var i = 0; i < take; i++)
        {
            result[i] = (int)(sorted[i] & 0xFFFFFFFF);
        }

        return result;
    }

    /// <summary>
    /// Adds to <paramref name="found"/> the terms that share a key with <paramref name="text"/> and pass the scorer's
    /// token similarity (with <paramref name="token"/>'s spellings when given), with that similarity.
    /// </summary>
    private void FindTerms(string text, NameToken? token, Scratch s, List<(int Term, double Sim)> found)
    {
        if (text.Length == 0)
        {
            return;
        }

        Span<int> keys = stackalloc int[TermKeys.MaxKeys];
        var k = TermKeys.Compute(text, keys);
        for (var i = 0; i < k; i++)
        {
            if (!_keyTerms.TryGetValue(keys[i], out var terms))
            {
                continue;
            }

            foreach (var t in terms)
            {
                if (s.FoundAt[t] != 0 || s.Rejected[t])
                {
                    continue; // already found for this slot (by another key or spelling), or already rejected
                }

                var term = _terms[t];
                var sim = token is null ? NameScorer.TokenSimilarity(text, term, _termMasks[t]) : NameScorer.TokenSimilarity(token, term, _termMasks[t]);
                if (sim > 0)
                {
                    s.FoundAt[t] = found.Count + 1;
                    found.Add((t, sim));
                }
                else
                {
                    s.Rejected[t] = true;
                    s.RejectedTerms.Add(t);
                }
            }
        }
    }

    /// <summary>
    /// Scores <paramref name="names"/> (indexes into <see cref="Names"/>) against the query with <see cref="NameScorer"/>,
    /// memoising token similarities per query and term (a term recurs across names).
    /// </summary>
    public void Score(PreparedQuery q, ReadOnlySpan<int> names, Span<NameScore> scores)
    {
        var s = ScratchFor();
        s.Cache.Begin(q.Tokens.Length + q.Joins.Length);
        try
        {
            for (var i = 0; i < names.Length; i++)
            {
                scores[i] = NameScorer.Score(q, Names[names[i]], s.Cache);
            }
        }
        finally
        {
            s.Cache.Reset();
        }
    }

    /// <summary>Per-thread buffers for one screening, cleared after use.</summary>
    private sealed class Scratch(NameIndex owner, int terms, int names)
    {
        /// <summary>Per name: 0 if not proposed, else 1 + its position in <see cref="TouchedNames"/>.</summary>
        private readonly int[] _compact = new int[names];
        private readonly List<List<(int Term, double Sim)>> _slotTerms = [];
        private float[] _slotBest = new float[1024];
        private long[] _estimates = new long[1024];
        private int _slots;

        public NameIndex Owner { get; } = owner;

        public SimCache Cache { get; } = new(terms);

        /// <summary>Per term: 1 + its position in the current slot's list of found terms, 0 if not found yet.</summary>
        public int[] FoundAt { get; } = new int[terms];

        /// <summary>Terms checked and rejected for the current slot.</summary>
        public bool[] Rejected { get; } = new bool[terms];

        public List<int> RejectedTerms { get; } = new(256);

        public List<int> TouchedNames { get; } = new(1024);

        /// <summary><paramref name="slots"/> empty lists for the terms each query slot matched.</summary>
        public List<(int Term, double Sim)>[] SlotTerms(int slots)
        {
            while (_slotTerms.Count < slots)
            {
                _slotTerms.Add(new List<(int, double)>(64));
            }

            var result = new List<(int Term, double Sim)>[slots];
            for (var i = 0; i < slots; i++)
            {
                result[i] = _slotTerms[i];
                result[i].Clear();
            }

            return result;
        }

        /// <summary>A buffer for the sort keys of <paramref name="count"/> names.</summary>
        public Span<long> Estimates(int count)
        {
            if (_estimates.Length < count)
            {
                _estimates = new long[Math.Max(count, _estimates.Length * 2)];
            }

            return _estimates.AsSpan(0, count);
        }

        public void ClearRejected()
        {
            foreach (var t in RejectedTerms)
            {
                Rejected[t] = false;
            }

            RejectedTerms.Clear();
        }

        public void Begin(int slots) => _slots = slots;

        /// <summary>Records that <paramref name="name"/> matched slot <paramref name="slot"/> with value <paramref name="v"/> (the best per slot counts).</summary>
        public void Add(int name, int slot, float v, bool onlyIfTouched)
        {
            var idx = _compact[name] - 1;
            if (idx < 0)
            {
                if (onlyIfTouched)
                {
                    return;
                }

                idx = TouchedNames.Count;
                TouchedNames.Add(name);
                _compact[name] = idx + 1;
                var needed = (idx + 1) * _slots;
                if (needed > _slotBest.Length)
                {
                    Array.Resize(ref _slotBest, Math.Max(needed, _slotBest.Length * 2));
                }

                _slotBest.AsSpan(idx * _slots, _slots).Clear();
            }

            ref var best = ref _slotBest[(idx * _slots) + slot];
            if (v > best)
            {
                best = v;
            }
        }

        /// <summary>Sum over slots of the best value recorded for the <paramref name="i"/>-th proposed name.</summary>
        public float Acc(int i)
        {
            var sum = 0f;
            foreach (var v in _slotBest.AsSpan(i * _slots, _slots))
            {
                sum += v;
            }

            return sum;
        }

        public void Reset()
        {
            foreach (var n in TouchedNames)
            {
                _compact[n] = 0;
            }

            TouchedNames.Clear();

            // Normally cleared slot by slot already; again here in case a screening stopped half-way.
            foreach (var list in _slotTerms)
            {
                foreach (var (t, _) in list)
                {
                    FoundAt[t] = 0;
                }
            }

            ClearRejected();
        }
    }
}
