namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// Money that passes straight through: credits of a meaningful amount arrived within minutes, and this cash-out takes
/// most of them.
/// </summary>
public sealed class RapidInOutRule(RapidInOutParameters parameters) : CashoutRule<RapidInOutParameters>(parameters)
{
    public const string RuleId = "aml.rapid_in_out";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => Parameters.Window;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var credits = context.CreditsWithin(Parameters.Window).ToList();
        var received = context.Sum(credits.Select(c => c.Amount));
        var share = AmlContext.ShareBps(cashout.Gross, received);
        var hit = received >= Parameters.MinAmount && share >= Parameters.ShareBps;
        var window = DurationFigure.Format(Parameters.Window);
        return Decide(
            hit,
            hit
                ? $"{received} was credited within the last {window} ({credits.Count} credits) and this cash-out of {cashout.Gross} takes {new ShareFigure("s", share).Display} of it."
                : received < Parameters.MinAmount
                    ? $"Credits within the last {window} come to {received}, under {Parameters.MinAmount}."
                    : $"This cash-out takes {new ShareFigure("s", share).Display} of the {received} credited within the last {window}.",
            new AmountFigure("credited_in_window", received),
            new CountFigure("credit_count", credits.Count),
            new AmountFigure("amount", cashout.Gross),
            new ShareFigure("share", share),
            new ShareFigure("min_share", Parameters.ShareBps),
            new AmountFigure("min_amount", Parameters.MinAmount),
            new DurationFigure("window", Parameters.Window));
    }
}
