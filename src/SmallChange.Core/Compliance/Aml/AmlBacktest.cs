using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>How often one rule did not allow during a back-test.</summary>
/// <param name="Evaluated">Events the rule applied to.</param>
/// <param name="Holds">Decisions of outcome hold.</param>
/// <param name="Rejects">Decisions of outcome reject.</param>
/// <param name="Holders">Distinct holders it alerted on.</param>
public sealed record RuleTally(string RuleId, int RuleVersion, long Evaluated, long Holds, long Rejects, long Holders)
{
    public long Alerts => Holds + Rejects;
}

/// <summary>What a back-test replayed and what each rule would have raised.</summary>
public sealed record BacktestReport(
    DateTimeOffset From,
    DateTimeOffset To,
    long CreditsEvaluated,
    long CashoutsEvaluated,
    long CashoutsHeld,
    long CashoutsRejected,
    IReadOnlyList<RuleTally> Rules);

/// <summary>
/// Replays stored history through the rules as they are configured now: every credit and cash-out booked in
/// [from, to), in time order, each evaluated with the holder's history before it exactly as the live paths build it
/// (credits, counted cash-outs and the last activity within the rules' lookback, and for a cash-out how many other
/// holders had registered its destination by then). A cash-out the replay rejects does not count for later ones, as
/// live. Nothing is written: the answer is how many alerts each rule would raise.
/// </summary>
public static class AmlBacktest
{
    /// <summary>The longest lookback of any profile's rules: history to load before <c>from</c>.</summary>
    public static TimeSpan Lookback(JurisdictionProfiles profiles) => profiles.All.Select(p => AmlRuleSet.For(p).Lookback).Max();

    /// <param name="set">Loaded from <c>from − Lookback</c> to <c>to</c>: events before <paramref name="from"/> are history only.</param>
    /// <param name="rule">Only this rule id; null for all.</param>
    public static BacktestReport Run(JurisdictionProfiles profiles, FxRateTable rates, AmlReplaySet set, DateTimeOffset from, DateTimeOffset to, string? rule = null)
    {
        var ruleSets = profiles.All.ToDictionary(
            p => p.Id,
            p => rule is null ? AmlRuleSet.For(p) : new AmlRuleSet(AmlRuleSet.For(p).Rules.Where(r => r.Id == rule)),
            StringComparer.Ordinal);
        var holders = set.Holders.ToDictionary(h => h.Id);
        var credits = new Dictionary<HolderId, List<AmlCredit>>();
        var cashouts = new Dictionary<HolderId, List<AmlCashout>>();
        var last = new Dictionary<HolderId, DateTimeOffset>(set.LastActivityBefore);
        var registrations = set.Destinations.GroupBy(d => d.Fingerprint, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal);
        long creditsEvaluated = 0, cashoutsEvaluated = 0, held = 0, rejected = 0;

        // Credits before cash-outs at the same instant (a cash-out can only take what was booked).
        var events = set.Credits.Select(c => (At: c.Credit.At, Order: 0, Credit: (ReplayCredit?)c, Cashout: (ReplayCashout?)null))
            .Concat(set.Cashouts.Select(c => (At: c.Cashout.At, Order: 1, Credit: (ReplayCredit?)null, Cashout: (ReplayCashout?)c)))
            .OrderBy(e => e.At).ThenBy(e => e.Order)
            .ToList();
        var sameInstant = new Dictionary<(HolderId, DateTimeOffset), int>();
        foreach (var e in events)
        {
            var holderId = e.Credit?.Holder ?? e.Cashout!.Holder;
            if (!holders.TryGetValue(holderId, out var holder))
            {
                continue;
            }

            var myCredits = credits.TryGetValue(holderId, out var mc) ? mc : credits[holderId] = [];
            var myCashouts = cashouts.TryGetValue(holderId, out var mo) ? mo : cashouts[holderId] = [];
            var profile = profiles.For(holder.Country);
            var rules = ruleSets[profile.Id];
            var at = e.At;
            if (e.Credit is not null)
            {
                // Credits booked together keep their order, a tick apart (as the credit monitor does).
                var tick = sameInstant.GetValueOrDefault((holderId, at));
                sameInstant[(holderId, at)] = tick + 1;
                at = at.AddTicks(tick);
            }
            else
            {
                // As live: a cash-out is decided just after everything booked at its instant.
                at = at.AddTicks(TimeSpan.TicksPerMicrosecond);
            }

            if (at >= from)
            {
                var since = at - rules.Lookback;
                Prune(myCredits, myCashouts, since, holderId, last);
                AmlEvent ev = e.Credit is { } credit
                    ? new CreditReceived(credit.Credit with { At = at })
                    : new CashoutRequested(e.Cashout!.Cashout.Amount, e.Cashout.Cashout.Method, e.Cashout.Cashout.DestinationCountry, e.Cashout.Fingerprint,
                        e.Cashout.TravelRuleDataPresent, OtherHolders(registrations, e.Cashout.Fingerprint, holderId, at), at);
                var input = new AmlInput(holder, ev, since, myCredits.Where(c => c.At < at).ToList(), myCashouts.Where(c => c.At < at).ToList(),
                    last.TryGetValue(holderId, out var l) ? l : null);
                var result = rules.Evaluate(profile, input, rates);
                foreach (var d in result.Decisions)
                {
                    var t = tallies.TryGetValue(d.RuleId, out var cur) ? cur : tallies[d.RuleId] = new Tally(d.RuleVersion);
                    t.Evaluated++;
                    if (d.Outcome == AmlOutcome.Hold)
                    {
                        t.Holds++;
                        t.Holders.Add(holderId);
                    }
                    else if (d.Outcome == AmlOutcome.Reject)
                    {
                        t.Rejects++;
                        t.Holders.Add(holderId);
                    }
                }

                if (e.Credit is not null)
                {
                    creditsEvaluated++;
                    myCredits.Add(e.Credit.Credit with { At = at });
                }
                else
                {
                    cashoutsEvaluated++;
                    held += result.Outcome == AmlOutcome.Hold ? 1 : 0;
                    rejected += result.Outcome == AmlOutcome.Reject ? 1 : 0;
                    if (result.Outcome != AmlOutcome.Reject)
                    {
                        myCashouts.Add(e.Cashout!.Cashout);
                    }
                }
            }
            else if (e.Credit is not null)
            {
                myCredits.Add(e.Credit.Credit with { At = at });
            }
            else if (e.Cashout!.State != CashoutState.Rejected)
            {
                myCashouts.Add(e.Cashout.Cashout);
            }
        }

        var list = tallies.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new RuleTally(t.Key, t.Value.Version, t.Value.Evaluated, t.Value.Holds, t.Value.Rejects, t.Value.Holders.Count))
            .ToList();
        return new BacktestReport(from, to, creditsEvaluated, cashoutsEvaluated, held, rejected, list);
    }

    private sealed class Tally(int version)
    {
        public int Version { get; } = version;

        public long Evaluated { get; set; }

        public long Holds { get; set; }

        public long Rejects { get; set; }

        public HashSet<HolderId> Holders { get; } = [];
    }

    /// <summary>Moves events older than the lookback out of the working history, remembering the latest as the last activity before.</summary>
    private static void Prune(List<AmlCredit> credits, List<AmlCashout> cashouts, DateTimeOffset since, HolderId holder, Dictionary<HolderId, DateTimeOffset> last)
    {
        DateTimeOffset? newest = null;
        foreach (var c in credits.Where(c => c.At < since))
        {
            newest = newest is null || c.At > newest ? c.At : newest;
        }

        foreach (var c in cashouts.Where(c => c.At < since))
        {
            newest = newest is null || c.At > newest ? c.At : newest;
        }

        if (newest is { } n)
        {
            credits.RemoveAll(c => c.At < since);
            cashouts.RemoveAll(c => c.At < since);
            if (!last.TryGetValue(holder, out var cur) || n > cur)
            {
                last[holder] = n;
            }
        }
    }

    private static int OtherHolders(Dictionary<string, List<DestinationUse>> registrations, string fingerprint, HolderId holder, DateTimeOffset at) =>
        registrations.TryGetValue(fingerprint, out var uses)
            ? uses.Where(u => u.CreatedAt <= at && u.Holder != holder).Select(u => u.Holder).Distinct().Count()
            : 0;
}
