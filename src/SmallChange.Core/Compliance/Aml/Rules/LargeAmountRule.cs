namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>A single cash-out at or above the profile's large-amount line.</summary>
public sealed class LargeAmountRule(LargeAmountParameters parameters) : CashoutRule<LargeAmountParameters>(parameters)
{
    public const string RuleId = "aml.large_amount";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => TimeSpan.Zero;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var line = Parameters.SingleAmount;
        var hit = cashout.Gross >= line;
        return Decide(
            hit,
            hit ? $"A single cash-out of {cashout.Gross} is at or above the large-amount line of {line}." : $"{cashout.Gross} is under the large-amount line of {line}.",
            new AmountFigure("amount", cashout.Gross),
            new AmountFigure("single_amount", line));
    }
}
