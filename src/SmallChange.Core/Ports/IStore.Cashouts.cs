using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Ports;

public partial interface IStoreReader
{
    ValueTask<StoredQuote?> GetQuote(QuoteId id);

    ValueTask<Destination?> GetDestination(DestinationId id);

    ValueTask<Page<Destination>> ListDestinations(HolderId holder, string? cursor, int limit);

    ValueTask<Cashout?> GetCashout(CashoutId id);

    /// <summary>Cash-outs newest first; all holders when <paramref name="holder"/> is null.</summary>
    ValueTask<Page<Cashout>> ListCashouts(HolderId? holder, string? cursor, int limit);

    /// <summary>Cash-outs in a state whose last change is at or after <paramref name="updatedSince"/>, oldest change first.</summary>
    ValueTask<IReadOnlyList<Cashout>> ListCashoutsInState(CashoutState state, DateTimeOffset updatedSince, int limit);

    ValueTask<IReadOnlyList<CashoutEvent>> ListCashoutEvents(CashoutId id);

    ValueTask<SandboxPayment?> GetSandboxPayment(string providerId, string idempotencyKey);

    ValueTask<IReadOnlyList<SandboxPayment>> ListSandboxPayments();
}

public partial interface IStoreTx
{
    ValueTask SetHolderKycTier(HolderId holder, int tier);

    ValueTask InsertQuote(StoredQuote quote);

    ValueTask InsertDestination(Destination destination);

    ValueTask InsertCashout(Cashout cashout);

    /// <summary>
    /// Moves a cash-out from <paramref name="from"/> to <paramref name="to"/> only if it is still in <paramref name="from"/>
    /// (a conditional update); appends the event. Returns false, writing nothing, if another node moved it first.
    /// </summary>
    ValueTask<bool> TransitionCashout(CashoutId id, CashoutState from, CashoutState to, string? reason, string? providerRef, DateTimeOffset at);

    ValueTask InsertCashoutEvent(CashoutEvent e);

    ValueTask InsertOutbox(CashoutId cashout, DateTimeOffset dueAt);

    /// <summary>Claims up to <paramref name="limit"/> due outbox items for <paramref name="lease"/> (others skip them).</summary>
    ValueTask<IReadOnlyList<OutboxItem>> ClaimOutbox(DateTimeOffset now, TimeSpan lease, int limit);

    ValueTask CompleteOutbox(long id, DateTimeOffset at);

    ValueTask RetryOutbox(long id, DateTimeOffset dueAt, string error);

    /// <summary>The provider side of a sandbox rail: records the instruction once per key and counts every delivery.</summary>
    ValueTask<SandboxPayment> SandboxReceive(SandboxPayment candidate);
}

/// <summary>What a sandbox provider received: one row per idempotency key, with how often it was delivered.</summary>
public sealed record SandboxPayment(
    string ProviderId,
    string IdempotencyKey,
    CashoutId Cashout,
    long NetUnits,
    string Currency,
    string DestinationFingerprint,
    int Deliveries,
    string Outcome,
    DateTimeOffset ReceivedAt,
    DateTimeOffset SettleAt,
    DateTimeOffset? ReturnAt);
