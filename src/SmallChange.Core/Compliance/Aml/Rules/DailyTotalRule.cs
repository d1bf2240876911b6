namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// The holder's cash-outs in the profile's local day, across all their wallets and this one included, reach the
/// reporting threshold (a currency transaction report will be due).
/// </summary>
public sealed class DailyTotalRule(DailyTotalParameters parameters) : CashoutRule<DailyTotalParameters>(parameters)
{
    public const string RuleId = "aml.daily_total";

    public override string Id => RuleId;

    public override int Version => 1;

    /// <summary>A local day is at most 25 hours long (a daylight-saving change).</summary>
    public override TimeSpan Lookback => TimeSpan.FromHours(25);

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var dayStart = context.Profile.DayStart(context.Now);
        var today = context.CashoutsSince(dayStart).ToList();
        var before = context.Sum(today.Select(c => c.Amount));
        var total = before + cashout.Gross;
        var threshold = Parameters.Threshold;
        var hit = total >= threshold;
        return Decide(
            hit,
            hit
                ? $"Cash-outs today come to {total} with this one ({today.Count + 1} cash-outs), at or above the reporting threshold of {threshold}."
                : $"Cash-outs today come to {total} with this one, under the reporting threshold of {threshold}.",
            new InstantFigure("day_start", dayStart),
            new CountFigure("cashouts_today", today.Count + 1),
            new AmountFigure("day_total_before", before),
            new AmountFigure("amount", cashout.Gross),
            new AmountFigure("day_total", total),
            new AmountFigure("threshold", threshold));
    }
}
