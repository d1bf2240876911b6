using SmallChange.Core.Providers;

namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// A crypto cash-out at or above the travel-rule threshold without originator and beneficiary data (IVMS101): it may
/// not be sent as it is (FATF Recommendation 16; the EU transfer-of-funds regulation; Korea's and the US rules).
/// </summary>
public sealed class TravelRuleRule(TravelRuleParameters parameters) : CashoutRule<TravelRuleParameters>(parameters)
{
    public const string RuleId = "aml.travel_rule";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => TimeSpan.Zero;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var crypto = cashout.Method == PayoutMethod.Crypto;
        var over = cashout.Gross >= Parameters.Threshold;
        var hit = crypto && over && !cashout.TravelRuleDataPresent;
        return Decide(
            hit,
            !crypto ? "Not a crypto cash-out."
            : hit ? $"A crypto cash-out of {cashout.Gross} (threshold {Parameters.Threshold}) has no travel-rule data; the holder can add it and ask again."
            : cashout.TravelRuleDataPresent ? "The travel-rule data is present."
            : $"{cashout.Gross} is under the travel-rule threshold of {Parameters.Threshold}.",
            new TextFigure("method", cashout.Method.ToWireName()),
            new AmountFigure("amount", cashout.Gross),
            new AmountFigure("threshold", Parameters.Threshold),
            new TextFigure("travel_rule_data", cashout.TravelRuleDataPresent ? "present" : "absent"));
    }
}
