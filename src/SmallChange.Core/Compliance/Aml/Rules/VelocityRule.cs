namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>More cash-outs, or more money, within a short window than the profile allows.</summary>
public sealed class VelocityRule(VelocityParameters parameters) : CashoutRule<VelocityParameters>(parameters)
{
    public const string RuleId = "aml.velocity";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => Parameters.Window;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var recent = context.CashoutsWithin(Parameters.Window).ToList();
        var count = recent.Count + 1;
        var total = context.Sum(recent.Select(c => c.Amount)) + cashout.Gross;
        var byCount = count > Parameters.MaxCount;
        var byAmount = total > Parameters.MaxAmount;
        var window = DurationFigure.Format(Parameters.Window);
        var explanation = (byCount, byAmount) switch
        {
            (true, true) => $"{count} cash-outs and {total} within {window}: more than {Parameters.MaxCount} cash-outs and more than {Parameters.MaxAmount}.",
            (true, false) => $"{count} cash-outs within {window}: more than {Parameters.MaxCount}.",
            (false, true) => $"{total} cashed out within {window}: more than {Parameters.MaxAmount}.",
            _ => $"{count} cash-outs and {total} within {window}, within {Parameters.MaxCount} and {Parameters.MaxAmount}.",
        };
        return Decide(
            byCount || byAmount,
            explanation,
            new CountFigure("count", count),
            new CountFigure("max_count", Parameters.MaxCount),
            new AmountFigure("total", total),
            new AmountFigure("max_amount", Parameters.MaxAmount),
            new DurationFigure("window", Parameters.Window));
    }
}
