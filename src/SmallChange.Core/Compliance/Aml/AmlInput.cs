using SmallChange.Core.Common;
using SmallChange.Core.Providers;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>What a rule decides, ordered by strictness: the strictest outcome of all rules wins.</summary>
public enum AmlOutcome
{
    /// <summary>Nothing to act on.</summary>
    Allow = 0,

    /// <summary>Stop and let a compliance officer review (a cash-out is held; on a credit, an alert is raised).</summary>
    Hold = 1,

    /// <summary>Refuse the cash-out (on a credit, which has already happened, this is an alert of the highest priority).</summary>
    Reject = 2,
}

/// <summary>Wire names of <see cref="AmlOutcome"/>: <c>allow</c>, <c>hold</c>, <c>reject</c>.</summary>
public static class AmlOutcomes
{
    public static string ToWire(this AmlOutcome outcome) => outcome switch
    {
        AmlOutcome.Allow => "allow",
        AmlOutcome.Hold => "hold",
        AmlOutcome.Reject => "reject",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static AmlOutcome? FromWire(string? s) => s switch
    {
        "allow" => AmlOutcome.Allow,
        "hold" => AmlOutcome.Hold,
        "reject" => AmlOutcome.Reject,
        _ => null,
    };

    public static AmlOutcome Strictest(AmlOutcome a, AmlOutcome b) => a >= b ? a : b;
}

/// <summary>
/// What paid for the value a source credited, as the source reports it per credit. Credit cycling (소액결제 현금화)
/// is value bought on a phone bill or a card limit and cashed out at once.
/// </summary>
public enum CreditFunding
{
    /// <summary>The source did not say.</summary>
    Unknown,

    /// <summary>A balance the holder already owned (earnings, a refund of prepaid balance, a wallet remainder).</summary>
    Balance,

    /// <summary>A purchase charged to a mobile phone bill (carrier billing, 휴대폰 소액결제).</summary>
    CarrierBilling,

    /// <summary>A purchase charged to a credit or debit card.</summary>
    Card,
}

/// <summary>Wire names of <see cref="CreditFunding"/>: <c>unknown</c>, <c>balance</c>, <c>carrier_billing</c>, <c>card</c>.</summary>
public static class CreditFundings
{
    public static string ToWire(this CreditFunding f) => f switch
    {
        CreditFunding.Balance => "balance",
        CreditFunding.CarrierBilling => "carrier_billing",
        CreditFunding.Card => "card",
        _ => "unknown",
    };

    public static CreditFunding? FromWire(string? s) => s switch
    {
        "unknown" => CreditFunding.Unknown,
        "balance" => CreditFunding.Balance,
        "carrier_billing" => CreditFunding.CarrierBilling,
        "card" => CreditFunding.Card,
        _ => null,
    };
}

/// <summary>The holder as the rules see it: no name, only what the rules need.</summary>
/// <param name="Country">ISO 3166 alpha-2 country of residence (selects the jurisdiction profile).</param>
/// <param name="KycTier">0, 1 or 2.</param>
public sealed record AmlHolder(HolderId Id, string Country, DateTimeOffset CreatedAt, int KycTier);

/// <summary>A credit to one of the holder's wallets.</summary>
/// <param name="Sender">
/// An opaque, stable key for the payer when the source names one (for example a hash of a peer-to-peer sender's
/// account at an e-wallet); never a name. Null when the source does not name a payer.
/// </param>
public sealed record AmlCredit(SourceId Source, SourceType SourceType, CreditFunding Funding, string? Sender, Money.Money Amount, DateTimeOffset At)
{
    public override string ToString() => $"AmlCredit {{ Source = {Source}, {SourceTypes.ToWire(SourceType)}, {Funding.ToWire()}, {Amount}, {At:O} }}";
}

/// <summary>A past cash-out that counts (approved, held, submitted or paid; not rejected, failed or returned).</summary>
public sealed record AmlCashout(Money.Money Amount, PayoutMethod Method, string DestinationCountry, DateTimeOffset At);

/// <summary>What the rules are asked about: a cash-out being requested, or a credit that has arrived.</summary>
public abstract record AmlEvent
{
    private protected AmlEvent()
    {
    }

    /// <summary>When it happened (the rules' "now").</summary>
    public abstract DateTimeOffset At { get; }

    /// <summary>The amount moved.</summary>
    public abstract Money.Money Amount { get; }
}

/// <summary>
/// A cash-out being requested (evaluated synchronously, before the hold is placed).
/// </summary>
/// <param name="DestinationFingerprint">The destination's fingerprint (a hash of its normalised value, never the value).</param>
/// <param name="TravelRuleDataPresent">For crypto: whether originator and beneficiary data (IVMS101) accompany the payout.</param>
/// <param name="OtherHoldersOnDestination">How many other holders have a destination with the same fingerprint (ever, including removed ones).</param>
public sealed record CashoutRequested(
    Money.Money Gross,
    PayoutMethod Method,
    string DestinationCountry,
    string DestinationFingerprint,
    bool TravelRuleDataPresent,
    int OtherHoldersOnDestination,
    DateTimeOffset RequestedAt) : AmlEvent
{
    public override DateTimeOffset At => RequestedAt;

    public override Money.Money Amount => Gross;

    public override string ToString() =>
        $"CashoutRequested {{ {Gross}, {Method.ToWireName()}, {DestinationCountry}, travel rule data {(TravelRuleDataPresent ? "present" : "absent")}, {OtherHoldersOnDestination} other holders, {RequestedAt:O} }}";
}

/// <summary>A credit that has been written to the ledger (evaluated asynchronously, after the fact).</summary>
public sealed record CreditReceived(AmlCredit Credit) : AmlEvent
{
    public override DateTimeOffset At => Credit.At;

    public override Money.Money Amount => Credit.Amount;
}

/// <summary>
/// Everything the AML rules see for one event. The store loads it: the credits and counted cash-outs of the holder
/// from <see cref="HistorySince"/> up to (not including) the event, across all of the holder's wallets, and the
/// time of the latest activity before <see cref="HistorySince"/>.
/// </summary>
/// <param name="HistorySince">Start of the history given; at most <c>event.At − AmlRuleSet.Lookback</c>.</param>
/// <param name="RecentCredits">The holder's credits in [HistorySince, event) in any currency.</param>
/// <param name="RecentCashouts">The holder's counted cash-outs in [HistorySince, event) in any currency.</param>
/// <param name="LastActivityBefore">The latest credit or counted cash-out before <see cref="HistorySince"/>; null when none.</param>
public sealed record AmlInput(
    AmlHolder Holder,
    AmlEvent Event,
    DateTimeOffset HistorySince,
    IReadOnlyList<AmlCredit> RecentCredits,
    IReadOnlyList<AmlCashout> RecentCashouts,
    DateTimeOffset? LastActivityBefore);
