namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// A cash-out to a high-risk country: rejected for the countries in the reject list (FATF "call for action"), held for
/// those in the hold list (the operator's list of jurisdictions under increased monitoring).
/// </summary>
public sealed class HighRiskCountryRule(HighRiskCountryParameters parameters) : CashoutRule<HighRiskCountryParameters>(parameters)
{
    public const string RuleId = "aml.high_risk_country";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => TimeSpan.Zero;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var country = cashout.DestinationCountry;
        var (outcome, explanation) =
            Parameters.RejectCountries.Contains(country) ? (AmlOutcome.Reject, $"The destination country {country} is on the reject list.")
            : Parameters.HoldCountries.Contains(country) ? (AmlOutcome.Hold, $"The destination country {country} is on the hold list.")
            : (AmlOutcome.Allow, $"The destination country {country} is on neither list.");
        return new AmlDecision(
            Id,
            Version,
            outcome,
            explanation,
            [new TextFigure("destination_country", country), new CountFigure("reject_list_size", Parameters.RejectCountries.Count), new CountFigure("hold_list_size", Parameters.HoldCountries.Count)]);
    }
}
