using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Ports;

/// <summary>What a provider is told to pay. <see cref="Cashout"/> is the idempotency key at the provider.</summary>
public sealed record PayoutInstruction(
    CashoutId Cashout,
    string ProviderId,
    PayoutMethod Method,
    Money.Money Net,
    Destination Destination,
    DateTimeOffset RequestedAt);

public enum RailSubmitStatus
{
    /// <summary>The provider has the instruction (a repeat of the same key is also Accepted, once paid at most).</summary>
    Accepted,

    /// <summary>The provider refused it for good (bad destination, unsupported): the hold is voided.</summary>
    Rejected,
}

public sealed record RailSubmitResult(RailSubmitStatus Status, string? ProviderRef, string? Reason);

public enum RailPaymentStatus
{
    Pending,
    Paid,
    Failed,
    Returned,
}

public sealed record RailStatus(RailPaymentStatus Status, string? Reason, DateTimeOffset? At);

/// <summary>
/// A provider protocol (a "rail"): submits payouts and reports their status. Implementations must be idempotent
/// by <see cref="PayoutInstruction.Cashout"/>: delivery is at least once. Transient failures throw; they are retried.
/// </summary>
public interface IPayoutRail
{
    string Name { get; }

    Task<RailSubmitResult> Submit(PayoutInstruction instruction, CancellationToken ct);

    Task<RailStatus> GetStatus(string providerId, CashoutId cashout, CancellationToken ct);
}
