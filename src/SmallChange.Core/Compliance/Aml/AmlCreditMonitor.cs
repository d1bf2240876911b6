using System.Diagnostics;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>What one round of the credit monitor did.</summary>
/// <param name="Leaves">Log leaves read (credits and other transfers).</param>
/// <param name="Credits">Credits evaluated.</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="Lost">True when another node processed the same range first (this round wrote nothing).</param>
public sealed record MonitorRound(long Leaves, int Credits, int Alerts, bool Lost)
{
    /// <summary>Time spent reading from the store: the round's credits, then its holders and their histories.</summary>
    public TimeSpan ReadTime { get; init; }

    /// <summary>Time spent judging the credits (the rules), store reads excluded.</summary>
    public TimeSpan EvaluateTime { get; init; }

    /// <summary>Time spent in the round's write transaction (position, evaluations, cases and alerts).</summary>
    public TimeSpan WriteTime { get; init; }

    /// <summary>History rows the round read from the store: credits and counted cash-outs inside its holders' windows.</summary>
    public long HistoryRows { get; init; }

    /// <summary>Every credit of the round as the rules judged it, in holder then leaf order (empty when the round was lost or empty).</summary>
    public IReadOnlyList<CreditEvaluation> Evaluations { get; init; } = [];

    /// <summary>Holders of the round whose credit window came from the monitor's cache (<see cref="AmlCreditMonitor.CacheWindows"/>), not the store.</summary>
    public int CachedHolders { get; init; }
}

/// <summary>One credit of a round as the rules judged it.</summary>
public sealed record CreditEvaluation(HolderId Holder, LoggedCredit Credit, AmlResult Result);

/// <summary>
/// The AML rules on credits, after they are committed, off the credit path. The monitor follows the ledger's log: leaf
/// indexes are assigned in commit order on every backend, so a durable position in the log (<see cref="Name"/>) names
/// exactly which credits were evaluated. A round reads the credits of the next leaves, evaluates each with the holder's
/// history before it, and in one transaction moves the position (only if it is still where the round started) and files
/// the alerts. A crash before the commit repeats the round; a second node on the same range loses the conditional
/// update and writes nothing: every credit is evaluated once, none is skipped.
/// </summary>
/// <remarks>
/// Credits of one holder booked in the same transaction share a booking time; the monitor orders them by leaf index (one
/// tick apart for the rules), so a fan-in across one batch is still seen. Only evaluations that raised an alert are
/// archived for credits (a cash-out's are always archived): at micropayment volumes the allows would dwarf the ledger.
/// </remarks>
public sealed class AmlCreditMonitor(IStore store, ComplianceChecks compliance, PayoutSetup setup, TimeProvider clock)
{
    public const string Name = "aml_credits";

    /// <summary>Leaves read per round when the monitor keeps up.</summary>
    public int Batch { get; init; } = 1000;

    /// <summary>
    /// The most leaves a round reads when the monitor is behind. A round reads the history of each of its holders once,
    /// so a round of many credits costs little more than a round of few when the same holders recur: a monitor that fell
    /// behind catches up in fewer, larger rounds (see <c>AmlCreditWorker</c>).
    /// </summary>
    public int MaxBatch { get; init; } = 20_000;

    /// <summary>
    /// Evaluate each credit alone with its full history lists (<see cref="AmlCreditBatch.EvaluateOneByOne"/>, O(h·k) per
    /// holder) instead of in one pass (<see cref="AmlCreditBatch.Evaluate"/>); the same results. For the benchmark's
    /// baseline and the tests.
    /// </summary>
    public bool OneByOne { get; init; }

    /// <summary>
    /// Carry each holder's credit window from one round to the next in memory (<see cref="AmlWindowCache"/>) and read from
    /// the store only the new credits (already read from the log) and the windows of holders not held: the same decisions
    /// as reading every window every round (off: the benchmark's comparison). On by default.
    /// </summary>
    public bool CacheWindows { get; init; } = true;

    /// <summary>How long a holder's cached window is used before it is read again from the store.</summary>
    public TimeSpan CacheLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most holders whose windows the cache keeps (the least recently used go first).</summary>
    public int CacheHolders { get; init; } = 50_000;

    private AmlWindowCache? cache;

    /// <summary>The durable position the monitor follows (<see cref="Name"/>; another only for a benchmark's second pass over the same log).</summary>
    public string Position { get; init; } = Name;

    public Task<MonitorRound> RunOnce(CancellationToken ct = default) => RunOnce(Batch, ct);

    /// <summary>One round over at most <paramref name="leaves"/> leaves from the monitor's position.</summary>
    public async Task<MonitorRound> RunOnce(int leaves, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaves, 1);

        // The round owns the cache until it commits: a round that fails, loses its range to another node or finds the
        // position elsewhere leaves none behind (the next one reads every window again).
        var held = CacheWindows ? Interlocked.Exchange(ref cache, null) : null;
        var timing = new RoundTiming();
        var now = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var (position, end, found, read) = await store.ReadAsync(async r =>
        {
            var position = await r.MonitorPosition(Position);
            var size = (await r.LastLogBatch())?.TreeSize ?? 0;
            if (position >= size)
            {
                return (position, position, (IReadOnlyList<CreditEvaluation>?)null, (CachedRead?)null);
            }

            var end = Math.Min(size, position + leaves);
            var credits = await r.CreditsInLog(position, end);
            return CacheWindows
                ? (position, end, null, await ReadCached(r, credits, held is { } c && c.Position == position ? c : null, size, now))
                : (position, end, await Evaluate(r, credits, timing), null);
        }, ct);
        var readTime = Stopwatch.GetElapsedTime(started) - timing.Evaluate;
        if (found is null && read is null)
        {
            if (held is not null && held.Position == position)
            {
                Interlocked.CompareExchange(ref cache, held, null);
            }

            return new MonitorRound(0, 0, 0, false) { ReadTime = readTime };
        }

        AmlWindowCache? next = null;
        if (read is not null)
        {
            (found, next) = EvaluateCached(read, held is { } c && c.Position == position ? c : null, position, end, now, timing);
        }

        var evaluated = found!;
        started = Stopwatch.GetTimestamp();
        var round = await store.WriteAsync(async tx =>
        {
            if (!await tx.AdvanceMonitor(Position, position, end))
            {
                return new MonitorRound(end - position, 0, 0, true);
            }

            // Every credit that raised an alert: its evaluation archived, its alerts filed, for the whole round at once.
            var hits = evaluated.Where(e => e.Result.Hits.Count > 0).ToList();
            await tx.InsertAmlEvaluations(hits.Select(e => new AmlEvaluation(AlertSubject.Of(e.Credit.Transfer), e.Holder, e.Result.Outcome,
                e.Result.Decisions.Select(DecisionRecord.From).ToList(), now)).ToList());
            var alerts = (await CaseService.FileMany(tx, hits.Select(e => (e.Holder,
                (IReadOnlyList<AlertDraft>)e.Result.Hits.Select(d => AlertDraft.From(d, AlertSubject.Of(e.Credit.Transfer))).ToList())).ToList(), now)).Count;
            return new MonitorRound(end - position, evaluated.Count, alerts, false) { Evaluations = evaluated };
        }, ct);
        if (next is not null && !round.Lost)
        {
            Interlocked.CompareExchange(ref cache, next, null);
        }

        return round with
        {
            ReadTime = readTime, EvaluateTime = timing.Evaluate, WriteTime = Stopwatch.GetElapsedTime(started), HistoryRows = timing.HistoryRows,
            CachedHolders = timing.CachedHolders,
        };
    }

    /// <summary>What a round with the window cache reads: its credits, its holders with their cash-outs, and the credit windows of holders the cache cannot serve.</summary>
    private sealed record CachedRead(
        IReadOnlyList<LoggedCredit> Credits,
        IReadOnlyDictionary<HolderId, AmlHolderHistory> Holders,
        IReadOnlyDictionary<HolderId, AmlCreditWindow> Fresh,
        IReadOnlyDictionary<SourceId, CreditFunding> Fundings,
        bool CacheValid,
        long Size);

    /// <summary>The window [first credit − lookback, last credit] a holder's credits of a round are judged over.</summary>
    private AmlWindow WindowOf(AmlHolder h, (DateTimeOffset First, DateTimeOffset Last) span) =>
        new(span.First - compliance.RulesFor(setup.Profiles.For(h.Country)).Lookback, span.Last.AddTicks(1));

    private static Dictionary<HolderId, (DateTimeOffset First, DateTimeOffset Last)> Spans(IReadOnlyList<LoggedCredit> credits)
    {
        var span = new Dictionary<HolderId, (DateTimeOffset First, DateTimeOffset Last)>();
        foreach (var c in credits)
        {
            span[c.Holder] = span.TryGetValue(c.Holder, out var s)
                ? (c.Credit.At < s.First ? c.Credit.At : s.First, c.Credit.At > s.Last ? c.Credit.At : s.Last)
                : (c.Credit.At, c.Credit.At);
        }

        return span;
    }

    /// <summary>
    /// The reads of a round with the cache (<paramref name="valid"/> when it ends where the round starts; the cache is only
    /// looked at here, never changed: a read transaction may run more than once). Every round reads its holders and their
    /// counted cash-outs (a cash-out changes state, sometimes without a transfer, so cash-outs are never cached) and the
    /// declared fundings; then the credit windows of the holders the cache does not hold, holds past its lifetime, or holds
    /// from a later start than this round's window needs (a credit booked earlier than the holder's last round, or a
    /// longer lookback after a change of country or profile).
    /// </summary>
    private async ValueTask<CachedRead> ReadCached(IStoreReader r, IReadOnlyList<LoggedCredit> credits, AmlWindowCache? valid, long size, DateTimeOffset now)
    {
        var span = Spans(credits);
        var fundings = await r.SourceFundings();
        if (valid is not null && !AmlWindowCache.SameFundings(valid.Fundings, fundings))
        {
            valid = null;
        }

        var holders = await r.AmlHoldersAndCashouts(span.Keys, h => WindowOf(h, span[h.Id]));
        var need = new Dictionary<HolderId, DateTimeOffset>();
        foreach (var (id, h) in holders)
        {
            if (valid is null || !valid.Entries.TryGetValue(id, out var e) || now - e.ReadAt >= CacheLifetime || now < e.ReadAt || e.Since > h.Window.Since)
            {
                need[id] = h.Window.Since;
            }
        }

        return new CachedRead(credits, holders, await r.AmlCreditWindows(need), fundings, valid is not null, size);
    }

    /// <summary>
    /// Judges a round's credits over the cached and fresh windows, exactly as <see cref="Evaluate(IStoreReader, IReadOnlyList{LoggedCredit})"/>
    /// judges them over the store's, and returns the cache as of the round's end (kept only if the round commits).
    /// </summary>
    private (IReadOnlyList<CreditEvaluation> Found, AmlWindowCache Next) EvaluateCached(CachedRead read, AmlWindowCache? held, long position, long end, DateTimeOffset now,
        RoundTiming timing)
    {
        var started = Stopwatch.GetTimestamp();
        var next = read.CacheValid && held is not null ? held : new AmlWindowCache(position, read.Fundings);
        next.Rounds++;
        var results = new List<CreditEvaluation>(read.Credits.Count);
        var span = Spans(read.Credits);
        foreach (var group in read.Credits.GroupBy(c => c.Holder))
        {
            if (!read.Holders.TryGetValue(group.Key, out var found))
            {
                continue;
            }

            var since = found.Window.Since;
            if (read.Fresh.TryGetValue(group.Key, out var window))
            {
                next.Entries[group.Key] = new AmlWindowCache.Entry(since, [.. window.Credits], window.LastBefore, read.Size, now);
                timing.HistoryRows += window.Credits.Count;
            }
            else
            {
                timing.CachedHolders++;
            }

            var entry = next.Entries[group.Key];
            entry.LastUsed = next.Rounds;
            entry.PruneTo(since);
            var amlHolder = found.Holder;
            var profile = setup.Profiles.For(amlHolder.Country);
            var rules = compliance.RulesFor(profile);
            var mine = group.OrderBy(c => c.LeafIndex).ToList();
            var (first, _) = span[group.Key];
            var cashouts = found.History;
            timing.HistoryRows += cashouts.Cashouts.Count;
            var last = cashouts.LastActivityBefore is { } lc && (entry.LastBefore is null || lc > entry.LastBefore) ? lc : entry.LastBefore;

            // As Evaluate: the window's credits before this range's first, then this range's in leaf order, one tick apart at one instant.
            var sameInstant = new Dictionary<DateTimeOffset, int>();
            var round = new List<AmlCredit>(mine.Count);
            foreach (var c in mine)
            {
                var tick = sameInstant.GetValueOrDefault(c.Credit.At);
                sameInstant[c.Credit.At] = tick + 1;
                round.Add(c.Credit with { At = c.Credit.At.AddTicks(tick) });
            }

            var series = new AmlCreditSeries(amlHolder, entry.Before(first), round, cashouts.Cashouts, last);
            var judged = OneByOne ? AmlCreditBatch.EvaluateOneByOne(rules, profile, setup.Rates, series) : AmlCreditBatch.Evaluate(rules, profile, setup.Rates, series);
            for (var i = 0; i < mine.Count; i++)
            {
                results.Add(new CreditEvaluation(amlHolder.Id, mine[i], judged[i]));
            }

            // The round's own credits join the window, unless the read that filled it already held their leaves.
            foreach (var c in mine)
            {
                if (c.LeafIndex >= entry.Horizon)
                {
                    entry.Add(c.Credit);
                }
            }
        }

        // Credits of holders the round did not evaluate (unknown holders) need no entry; every other entry is now exact at the round's end.
        next.Position = end;
        next.Fundings = read.Fundings;
        next.Trim(now - CacheLifetime, CacheHolders);
        timing.Evaluate += Stopwatch.GetElapsedTime(started);
        return (results, next);
    }

    /// <summary>
    /// Evaluates the credits of a round, each with its holder's history before it. The holders and their histories are
    /// read for the whole round at once (<see cref="IStoreReader.AmlHistories"/>); each holder's window is the rules'
    /// lookback of its jurisdiction before its first credit of the round, up to its last one. Each holder's credits are
    /// then judged in one pass over its history (<see cref="AmlCreditBatch"/>): a holder flooded with credits costs
    /// O(n log n), not O(n²), and does not stall the monitor for everyone behind it in the log.
    /// </summary>
    public ValueTask<IReadOnlyList<CreditEvaluation>> Evaluate(IStoreReader r, IReadOnlyList<LoggedCredit> credits) => Evaluate(r, credits, new RoundTiming());

    private async ValueTask<IReadOnlyList<CreditEvaluation>> Evaluate(IStoreReader r, IReadOnlyList<LoggedCredit> credits, RoundTiming timing)
    {
        var results = new List<CreditEvaluation>();
        var groups = credits.GroupBy(c => c.Holder).ToList();
        var span = groups.ToDictionary(g => g.Key, g => (First: g.Min(c => c.Credit.At), Last: g.Max(c => c.Credit.At)));
        var histories = await r.AmlHistories(span.Keys, h =>
        {
            var (first, last) = span[h.Id];
            return new AmlWindow(first - compliance.RulesFor(setup.Profiles.For(h.Country)).Lookback, last.AddTicks(1));
        });
        var started = Stopwatch.GetTimestamp();
        foreach (var group in groups)
        {
            if (!histories.TryGetValue(group.Key, out var found))
            {
                continue;
            }

            timing.HistoryRows += found.History.Credits.Count + found.History.Cashouts.Count;

            var amlHolder = found.Holder;
            var history = found.History;
            var profile = setup.Profiles.For(amlHolder.Country);
            var rules = compliance.RulesFor(profile);
            var mine = group.OrderBy(c => c.LeafIndex).ToList();
            var (first, _) = span[group.Key];

            // The store's credits before this range's first, then this range's in leaf order (later ones are its own);
            // credits of one instant one tick apart.
            var before = history.Credits.Where(c => c.At < first).ToList();
            var sameInstant = new Dictionary<DateTimeOffset, int>();
            var round = new List<AmlCredit>(mine.Count);
            foreach (var c in mine)
            {
                var tick = sameInstant.GetValueOrDefault(c.Credit.At);
                sameInstant[c.Credit.At] = tick + 1;
                round.Add(c.Credit with { At = c.Credit.At.AddTicks(tick) });
            }

            var series = new AmlCreditSeries(amlHolder, before, round, history.Cashouts, history.LastActivityBefore);
            var judged = OneByOne ? AmlCreditBatch.EvaluateOneByOne(rules, profile, setup.Rates, series) : AmlCreditBatch.Evaluate(rules, profile, setup.Rates, series);
            for (var i = 0; i < mine.Count; i++)
            {
                results.Add(new CreditEvaluation(amlHolder.Id, mine[i], judged[i]));
            }
        }

        timing.Evaluate += Stopwatch.GetElapsedTime(started);
        return results;
    }

    /// <summary>Where a round's time went (a store transaction retried counts each attempt).</summary>
    private sealed class RoundTiming
    {
        public TimeSpan Evaluate { get; set; }

        public long HistoryRows { get; set; }

        public int CachedHolders { get; set; }
    }
}
