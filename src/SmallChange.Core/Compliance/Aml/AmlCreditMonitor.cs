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
public sealed record MonitorRound(long Leaves, int Credits, int Alerts, bool Lost);

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

    /// <summary>Leaves read per round.</summary>
    public int Batch { get; init; } = 1000;

    public async Task<MonitorRound> RunOnce(CancellationToken ct = default)
    {
        var (position, size) = await store.ReadAsync(async r => (await r.MonitorPosition(Name), (await r.LastLogBatch())?.TreeSize ?? 0), ct);
        if (position >= size)
        {
            return new MonitorRound(0, 0, 0, false);
        }

        var end = Math.Min(size, position + Batch);
        var found = await store.ReadAsync(async r =>
        {
            var credits = await r.CreditsInLog(position, end);
            var results = new List<(HolderId Holder, LoggedCredit Credit, AmlResult Result)>();
            foreach (var group in credits.GroupBy(c => c.Holder))
            {
                if (await r.GetHolder(group.Key) is not { } holder)
                {
                    continue;
                }

                var profile = setup.Profiles.For(holder.Country);
                var rules = compliance.RulesFor(profile);
                var mine = group.OrderBy(c => c.LeafIndex).ToList();
                var first = mine.Min(c => c.Credit.At);
                var last = mine.Max(c => c.Credit.At);
                var history = await r.AmlHistory(holder.Id, first - rules.Lookback, last.AddTicks(1));
                var amlHolder = new AmlHolder(holder.Id, holder.Country, holder.CreatedAt, holder.KycTier);

                // The store's credits before this range's first, then this range's in leaf order (later ones are its own).
                var before = history.Credits.Where(c => c.At < first).ToList();
                var earlier = new List<AmlCredit>();
                var sameInstant = new Dictionary<DateTimeOffset, int>();
                foreach (var c in mine)
                {
                    var tick = sameInstant.GetValueOrDefault(c.Credit.At);
                    sameInstant[c.Credit.At] = tick + 1;
                    var credit = c.Credit with { At = c.Credit.At.AddTicks(tick) };
                    var since = credit.At - rules.Lookback;
                    var recentCredits = before.Concat(earlier).Where(x => x.At >= since && x.At < credit.At).ToList();
                    var recentCashouts = history.Cashouts.Where(x => x.At >= since && x.At < credit.At).ToList();
                    var lastActivity = before.Concat(earlier).Where(x => x.At < since).Select(x => (DateTimeOffset?)x.At)
                        .Concat(history.Cashouts.Where(x => x.At < since).Select(x => (DateTimeOffset?)x.At))
                        .Append(history.LastActivityBefore)
                        .Max();
                    var input = new AmlInput(amlHolder, new CreditReceived(credit), since, recentCredits, recentCashouts, lastActivity);
                    results.Add((holder.Id, c, rules.Evaluate(profile, input, setup.Rates)));
                    earlier.Add(credit);
                }
            }

            return results;
        }, ct);

        var now = clock.GetUtcNow();
        return await store.WriteAsync(async tx =>
        {
            if (!await tx.AdvanceMonitor(Name, position, end))
            {
                return new MonitorRound(end - position, 0, 0, true);
            }

            var alerts = 0;
            foreach (var (holder, credit, result) in found)
            {
                if (result.Hits.Count == 0)
                {
                    continue;
                }

                var subject = AlertSubject.Of(credit.Transfer);
                await tx.InsertAmlEvaluation(new AmlEvaluation(subject, holder, result.Outcome, result.Decisions.Select(DecisionRecord.From).ToList(), now));
                alerts += (await CaseService.File(tx, holder, result.Hits.Select(d => AlertDraft.From(d, subject)).ToList(), now)).Count;
            }

            return new MonitorRound(end - position, found.Count, alerts, false);
        }, ct);
    }
}
