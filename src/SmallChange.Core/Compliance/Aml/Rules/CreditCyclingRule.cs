using SmallChange.Core.Sources;

namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// Credit cycling (소액결제 현금화, "깡"): value bought on a phone bill or a card limit is credited and cashed out at once,
/// which turns credit into cash — unlicensed lending. Credits count when their funding is carrier billing or card (as the
/// source reports), or when their source type is listed for the jurisdiction (gift-card credit in Korea).
/// </summary>
public sealed class CreditCyclingRule(CreditCyclingParameters parameters) : CashoutRule<CreditCyclingParameters>(parameters)
{
    public const string RuleId = "aml.credit_cycling";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => Parameters.Window;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var funded = context.CreditsWithin(Parameters.Window)
            .Where(c => Parameters.Fundings.Contains(c.Funding) || Parameters.SourceTypes.Contains(c.SourceType))
            .ToList();
        var received = context.Sum(funded.Select(c => c.Amount));
        var share = AmlContext.ShareBps(cashout.Gross, received);
        var hit = received >= Parameters.MinAmount && share >= Parameters.ShareBps;
        var window = DurationFigure.Format(Parameters.Window);
        var kinds = string.Join(",", funded.Select(c => c.Funding is CreditFunding.CarrierBilling or CreditFunding.Card ? c.Funding.ToWire() : SourceTypes.ToWire(c.SourceType)).Distinct().Order(StringComparer.Ordinal));
        var latest = funded.Count == 0 ? (DateTimeOffset?)null : funded.Max(c => c.At);
        return Decide(
            hit,
            hit
                ? $"{received} of credit-funded value ({kinds}) arrived within the last {window} and this cash-out of {cashout.Gross} takes {new ShareFigure("s", share).Display} of it."
                : $"Credit-funded value within the last {window} comes to {received}; this cash-out takes {new ShareFigure("s", share).Display} of it.",
            new AmountFigure("credit_funded_in_window", received),
            new CountFigure("credit_funded_count", funded.Count),
            new TextFigure("funding_kinds", kinds.Length == 0 ? "none" : kinds),
            new InstantFigure("latest_credit_funded_at", latest),
            new AmountFigure("amount", cashout.Gross),
            new ShareFigure("share", share),
            new ShareFigure("min_share", Parameters.ShareBps),
            new AmountFigure("min_amount", Parameters.MinAmount),
            new DurationFigure("window", Parameters.Window));
    }
}
