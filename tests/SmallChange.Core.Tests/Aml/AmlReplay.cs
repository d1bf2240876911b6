using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;

namespace SmallChange.Core.Tests.Aml;

/// <summary>One evaluated event of a replay and what the rules decided.</summary>
internal sealed record ReplayStep(SimEvent Event, AmlResult Result);

/// <summary>Everything a replay decided, in time order.</summary>
internal sealed record ReplayResult(IReadOnlyList<ReplayStep> Steps)
{
    public IEnumerable<ReplayStep> Cashouts => Steps.Where(s => s.Event is SimCashout);

    public IEnumerable<ReplayStep> Credits => Steps.Where(s => s.Event is SimCredit);

    /// <summary>The steps on which <paramref name="ruleId"/> did not allow.</summary>
    public IReadOnlyList<ReplayStep> HitsOf(string ruleId) => Steps.Where(s => s.Result.Decisions.Any(d => d.RuleId == ruleId && d.IsHit)).ToList();

    /// <summary>Every rule id that did not allow at least once.</summary>
    public IReadOnlySet<string> RulesHit => Steps.SelectMany(s => s.Result.Hits).Select(d => d.RuleId).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// Feeds a stream of credits and cash-outs to the AML evaluator in time order, the way the store will: for each event
/// it gives the holder's credits and counted cash-outs within the rule set's lookback, the last activity before that,
/// and for a cash-out the number of other holders who registered the same destination. A rejected cash-out does not
/// count; a held one does (as in the tier limits).
/// </summary>
internal sealed class AmlReplay(JurisdictionProfiles profiles, FxRateTable rates)
{
    private readonly Dictionary<string, AmlRuleSet> _ruleSets = new(StringComparer.Ordinal);

    public static AmlReplay Shipped() => new(AmlTestConfig.Profiles, AmlTestConfig.Rates);

    public ReplayResult Run(Scenario scenario)
    {
        var holders = scenario.Holders.ToDictionary(h => h.Id);
        var credits = holders.Keys.ToDictionary(h => h, _ => new List<AmlCredit>());
        var cashouts = holders.Keys.ToDictionary(h => h, _ => new List<AmlCashout>());
        var destinations = new Dictionary<string, HashSet<HolderId>>(StringComparer.Ordinal);
        var steps = new List<ReplayStep>(scenario.Events.Count);
        foreach (var e in scenario.Events.OrderBy(e => e.At))
        {
            var holder = holders[e.Holder];
            var profile = profiles.For(holder.Country);
            var rules = RulesFor(profile);
            var since = e.At - rules.Lookback;
            var myCredits = credits[e.Holder];
            var myCashouts = cashouts[e.Holder];
            var before = myCredits.Select(c => c.At).Concat(myCashouts.Select(c => c.At)).Where(t => t < since).DefaultIfEmpty().Max();
            AmlEvent ev;
            if (e is SimCashout c)
            {
                var users = destinations.TryGetValue(c.Fingerprint, out var set) ? set : destinations[c.Fingerprint] = [];
                users.Add(e.Holder);
                ev = new CashoutRequested(c.Amount, c.Method, c.Country, c.Fingerprint, c.TravelRuleData, users.Count - 1, c.At);
            }
            else
            {
                ev = new CreditReceived(((SimCredit)e).Credit);
            }

            var input = new AmlInput(
                holder,
                ev,
                since,
                myCredits.Where(x => x.At >= since && x.At < e.At).ToList(),
                myCashouts.Where(x => x.At >= since && x.At < e.At).ToList(),
                before == default ? null : before);
            var result = rules.Evaluate(profile, input, rates);
            steps.Add(new ReplayStep(e, result));
            switch (e)
            {
                case SimCredit credit:
                    myCredits.Add(credit.Credit);
                    break;
                case SimCashout cashout when result.Outcome != AmlOutcome.Reject:
                    myCashouts.Add(new AmlCashout(cashout.Amount, cashout.Method, cashout.Country, cashout.At));
                    break;
            }
        }

        return new ReplayResult(steps);
    }

    private AmlRuleSet RulesFor(JurisdictionProfile profile)
    {
        if (!_ruleSets.TryGetValue(profile.Id, out var set))
        {
            _ruleSets[profile.Id] = set = AmlRuleSet.For(profile);
        }

        return set;
    }
}
