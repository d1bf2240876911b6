using SmallChange.Core.Compliance.Aml.Rules;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>
/// The enabled rules of one jurisdiction, and the evaluator: every rule that applies to the event runs, each records
/// its decision, and the strictest outcome wins (reject over hold over allow).
/// </summary>
public sealed class AmlRuleSet
{
    /// <summary>The id of the decision recorded when the input cannot be evaluated (an amount without an FX rate).</summary>
    public const string UnevaluableRuleId = "aml.unevaluable";

    public AmlRuleSet(IEnumerable<AmlRule> rules)
    {
        Rules = rules.Where(r => r.Settings.Enabled).ToList();
        var duplicate = Rules.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Rule {duplicate.Key} appears twice.", nameof(rules));
        }

        Lookback = Rules.Select(r => r.Lookback).Append(TimeSpan.Zero).Max();
    }

    /// <summary>The enabled rules, in evaluation order.</summary>
    public IReadOnlyList<AmlRule> Rules { get; }

    /// <summary>
    /// How much history the store must load before an event: credits and counted cash-outs since <c>event.At − Lookback</c>.
    /// </summary>
    public TimeSpan Lookback { get; }

    /// <summary>Every rule, with the parameters of <paramref name="parameters"/> (disabled ones left out).</summary>
    public static AmlRuleSet For(AmlParameters parameters) => new(
    [
        new LargeAmountRule(parameters.LargeAmount),
        new DailyTotalRule(parameters.DailyTotal),
        new StructuringRule(parameters.Structuring),
        new VelocityRule(parameters.Velocity),
        new RapidInOutRule(parameters.RapidInOut),
        new CreditCyclingRule(parameters.CreditCycling),
        new FanInRule(parameters.FanIn),
        new SharedDestinationRule(parameters.SharedDestination),
        new DormantReactivationRule(parameters.Dormant),
        new HighRiskCountryRule(parameters.HighRiskCountry),
        new TravelRuleRule(parameters.TravelRule),
    ]);

    /// <summary>The rules of a jurisdiction profile.</summary>
    public static AmlRuleSet For(JurisdictionProfile profile) => For(profile.Aml);

    /// <summary>
    /// Evaluates one event. Amounts are compared in the profile currency at the mid-market rate; when an amount has no
    /// rate, the result is a hold with a single <see cref="UnevaluableRuleId"/> decision (monitoring fails closed).
    /// Giving less history than <see cref="Lookback"/> is a programmer error.
    /// </summary>
    public AmlResult Evaluate(JurisdictionProfile profile, AmlInput input, FxRateTable rates)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rates);
        if (input.HistorySince > input.Event.At - Lookback)
        {
            throw new ArgumentException($"The AML rules need history from {input.Event.At - Lookback:O}; it starts at {input.HistorySince:O}.", nameof(input));
        }

        var context = AmlContext.Create(profile, input, rates);
        return context.TryGet(out var ctx, out var error) ? Run(ctx) : Unevaluable(profile, error);
    }

    /// <summary>Every rule that applies to the context's event, the strictest outcome winning.</summary>
    internal AmlResult Run(AmlContext context)
    {
        var decisions = new List<AmlDecision>();
        var outcome = AmlOutcome.Allow;
        foreach (var rule in Rules)
        {
            if (!rule.AppliesTo(context.Event))
            {
                continue;
            }

            var d = rule.Evaluate(context);
            decisions.Add(d);
            outcome = AmlOutcomes.Strictest(outcome, d.Outcome);
        }

        return new AmlResult(outcome, decisions);
    }

    /// <summary>The hold recorded when an amount cannot be converted to the profile currency.</summary>
    internal static AmlResult Unevaluable(JurisdictionProfile profile, Common.Error error) =>
        new(AmlOutcome.Hold, [new AmlDecision(UnevaluableRuleId, 1, AmlOutcome.Hold, $"The rules could not compare amounts in {profile.Currency.Code}: {error.Message}", [new TextFigure("error", error.Code)])]);
}
