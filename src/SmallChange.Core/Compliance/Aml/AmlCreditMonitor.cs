using System.Diagnostics;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;

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

    /// <summary>The durable position the monitor follows (<see cref="Name"/>; another only for a benchmark's second pass over the same log).</summary>
    public string Position { get; init; } = Name;

    public Task<MonitorRound> RunOnce(CancellationToken ct = default) => RunOnce(Batch, ct);

    /// <summary>One round over at most <paramref name="leaves"/> leaves from the monitor's position.</summary>
    public async Task<MonitorRound> RunOnce(int leaves, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaves, 1);
        var timing = new RoundTiming();
        var started = Stopwatch.GetTimestamp();
        var (position, end, found) = await store.ReadAsync(async r =>
        {
            var position = await r.MonitorPosition(Position);
            var size = (await r.LastLogBatch())?.TreeSize ?? 0;
            if (position >= size)
            {
                return (position, position, (IReadOnlyList<CreditEvaluation>?)null);
            }

            var end = Math.Min(size, position + leaves);
            return (position, end, await Evaluate(r, await r.CreditsInLog(position, end), timing));
        }, ct);
        var read = Stopwatch.GetElapsedTime(started) - timing.Evaluate;
        if (found is null)
        {
            return new MonitorRound(0, 0, 0, false) { ReadTime = read };
        }

        var now = clock.GetUtcNow();
        started = Stopwatch.GetTimestamp();
        var round = await store.WriteAsync(async tx =>
        {
            if (!await tx.AdvanceMonitor(Position, position, end))
            {
                return new MonitorRound(end - position, 0, 0, true);
            }

            // Every credit that raised an alert: its evaluation archived, its alerts filed, for the whole round at once.
            var hits = found.Where(e => e.Result.Hits.Count > 0).ToList();
            await tx.InsertAmlEvaluations(hits.Select(e => new AmlEvaluation(AlertSubject.Of(e.Credit.Transfer), e.Holder, e.Result.Outcome,
                e.Result.Decisions.Select(DecisionRecord.From).ToList(), now)).ToList());
            var alerts = (await CaseService.FileMany(tx, hits.Select(e => (e.Holder,
                (IReadOnlyList<AlertDraft>)e.Result.Hits.Select(d => AlertDraft.From(d, AlertSubject.Of(e.Credit.Transfer))).ToList())).ToList(), now)).Count;
            return new MonitorRound(end - position, found.Count, alerts, false);
        }, ct);
        return round with { ReadTime = read, EvaluateTime = timing.Evaluate, WriteTime = Stopwatch.GetElapsedTime(started) };
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
    }
}
