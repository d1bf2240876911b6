using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;

namespace SmallChange.Core.Cashouts;

/// <summary>
/// The life of a cash-out: requested → approved | held | rejected → submitted → paid | failed | returned.
/// Stored by its snake_case name.
/// </summary>
public enum CashoutState
{
    Requested,
    Approved,
    Held,
    Rejected,
    Submitted,
    Paid,
    Failed,
    Returned,
}

public static class CashoutStates
{
    public static string ToWire(this CashoutState s) => s.ToString().ToLowerInvariant();

    public static CashoutState? FromWire(string? s) => Enum.TryParse<CashoutState>(s, ignoreCase: true, out var v) && s!.All(char.IsAsciiLetterLower) ? v : null;

    public static bool IsFinal(this CashoutState s) => s is CashoutState.Rejected or CashoutState.Failed or CashoutState.Returned;
}

/// <summary>One check of a cash-out request and its outcome, recorded in order with its reason.</summary>
public sealed record CheckResult(string Check, string Outcome, string? Reason, string? Detail)
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Review = "review";

    public static CheckResult Passed(string check, string? detail = null) => new(check, Pass, null, detail);

    public static CheckResult Failed(string check, string reason, string detail) => new(check, Fail, reason, detail);
}

/// <summary>A cash-out as stored. Money moves only through the ledger; this record tracks the request and its state.</summary>
public sealed record Cashout(
    CashoutId Id,
    HolderId Holder,
    QuoteId Quote,
    DestinationId Destination,
    string ProviderId,
    PayoutMethod Method,
    CashoutState State,
    Money.Money Gross,
    Money.Money Fee,
    Money.Money Net,
    QuoteOption Option,
    IReadOnlyList<CheckResult> Checks,
    TransferId? HoldTransfer,
    string? ProviderRef,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Deterministic ids of the transfers that settle this cash-out, so every retry is idempotent.</summary>
    public TransferId PostTransferId => Ledger.LedgerEngine.DerivedId(HoldTransfer!.Value, 0x01);

    public TransferId FeeTransferId => Ledger.LedgerEngine.DerivedId(HoldTransfer!.Value, 0x02);

    public TransferId VoidTransferId => Ledger.LedgerEngine.DerivedId(HoldTransfer!.Value, 0x03);

    public TransferId ReturnTransferId => Ledger.LedgerEngine.DerivedId(HoldTransfer!.Value, 0x04);

    public TransferId FeeReturnTransferId => Ledger.LedgerEngine.DerivedId(HoldTransfer!.Value, 0x05);
}

/// <summary>A state change of a cash-out, with its reason. Append-only history.</summary>
public sealed record CashoutEvent(CashoutId Cashout, int Sequence, CashoutState State, string? Reason, DateTimeOffset At);

/// <summary>A priced quote locked for a holder until <see cref="ExpiresAt"/>.</summary>
public sealed record StoredQuote(QuoteId Id, HolderId Holder, QuoteDraft Draft, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Work for the outbox dispatcher: deliver a cash-out to its provider (at least once).</summary>
public sealed record OutboxItem(long Id, CashoutId Cashout, int Attempts, DateTimeOffset DueAt);
