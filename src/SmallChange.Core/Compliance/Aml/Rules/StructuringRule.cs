namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// Several cash-outs within a window, each just under the reporting threshold: the pattern of someone keeping every
/// transaction below the line. Fires on the cash-out that completes the pattern.
/// </summary>
public sealed class StructuringRule(StructuringParameters parameters) : CashoutRule<StructuringParameters>(parameters)
{
    public const string RuleId = "aml.structuring";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => Parameters.Window;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var threshold = Parameters.Threshold;
        var low = threshold - AmlContext.Fraction(threshold, Parameters.BandBps);
        bool Near(Money.Money m) => m >= low && m < threshold;
        var near = context.CashoutsWithin(Parameters.Window).Where(c => Near(c.Amount)).Select(c => c.Amount).ToList();
        var thisNear = Near(cashout.Gross);
        if (thisNear)
        {
            near.Add(cashout.Gross);
        }

        var hit = thisNear && near.Count >= Parameters.MinCount;
        var window = DurationFigure.Format(Parameters.Window);
        return Decide(
            hit,
            hit
                ? $"{near.Count} cash-outs within {window} (this one included) were each between {low} and just under the {threshold} threshold, {context.Sum(near)} in all."
                : thisNear
                    ? $"This cash-out is just under the {threshold} threshold, but only {near.Count} such cash-outs within {window} (the rule needs {Parameters.MinCount})."
                    : $"This cash-out is not between {low} and {threshold}.",
            new AmountFigure("amount", cashout.Gross),
            new AmountFigure("band_low", low),
            new AmountFigure("threshold", threshold),
            new CountFigure("near_count", near.Count),
            new CountFigure("min_count", Parameters.MinCount),
            new AmountFigure("near_total", context.Sum(near)),
            new DurationFigure("window", Parameters.Window));
    }
}
