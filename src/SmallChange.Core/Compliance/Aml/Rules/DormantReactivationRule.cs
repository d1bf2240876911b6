namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// An account idle for a long time (or opened long ago and never used) that suddenly moves a meaningful amount. The idle
/// gap is measured up to the first activity in the loaded history, so the rule still sees a reactivation a few days
/// old (up to the rule set's lookback) when the cash-out follows the reactivating credit.
/// </summary>
public sealed class DormantReactivationRule(DormantParameters parameters) : AmlRule<DormantParameters>(parameters)
{
    public const string RuleId = "aml.dormant_reactivation";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => TimeSpan.Zero;

    public override bool AppliesTo(AmlEvent e) => e is CashoutRequested or CreditReceived;

    public override IReadOnlyList<TimeSpan> CreditWindows => [];

    public override AmlDecision Evaluate(AmlContext context)
    {
        var input = context.Input;
        var firstRecent = context.FirstActivity;
        var previous = input.LastActivityBefore ?? context.Holder.CreatedAt;
        var idle = firstRecent - previous;
        var amount = context.Event.Amount;
        var dormant = idle >= Parameters.DormantAfter;
        var hit = dormant && amount >= Parameters.MinAmount;
        var what = context.Event is CreditReceived ? "credit" : "cash-out";
        return Decide(
            hit,
            hit
                ? $"The account was idle for {idle.Days} days (since {(input.LastActivityBefore is null ? "it was opened" : "its last activity")}) until {firstRecent:yyyy-MM-dd}; this {what} moves {amount}."
                : dormant
                    ? $"The account was idle for {idle.Days} days, but this {what} of {amount} is under {Parameters.MinAmount}."
                    : $"The account was last idle for {idle.Days} days, under {Parameters.DormantAfter.Days}.",
            new CountFigure("idle_days", idle.Days),
            new CountFigure("dormant_days", Parameters.DormantAfter.Days),
            new InstantFigure("last_activity_before", input.LastActivityBefore),
            new InstantFigure("reactivated_at", firstRecent),
            new AmountFigure("amount", amount),
            new AmountFigure("min_amount", Parameters.MinAmount));
    }
}
