using SmallChange.Core.Providers;

namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>One destination (bank account, wallet, card or address) used by several holders: a money-mule sign (대포통장).</summary>
public sealed class SharedDestinationRule(SharedDestinationParameters parameters) : CashoutRule<SharedDestinationParameters>(parameters)
{
    public const string RuleId = "aml.shared_destination";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => TimeSpan.Zero;

    protected override AmlDecision Evaluate(AmlContext context, CashoutRequested cashout)
    {
        var others = cashout.OtherHoldersOnDestination;
        var hit = others >= Parameters.MinOtherHolders;
        return Decide(
            hit,
            hit
                ? $"This destination is also registered by {others} other holders (the rule holds from {Parameters.MinOtherHolders})."
                : $"This destination is registered by {others} other holders.",
            new CountFigure("other_holders", others),
            new CountFigure("min_other_holders", Parameters.MinOtherHolders),
            new TextFigure("method", cashout.Method.ToWireName()));
    }
}
