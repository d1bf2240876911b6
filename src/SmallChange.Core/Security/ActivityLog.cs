using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Security;

/// <summary>
/// Writes a holder's activity log and sends the alerts that go with it (PRODUCT.md §5): destinations added or
/// cancelled and every cash-out, whether the holder acted in the portal or an operator acted for them over the API.
/// The portal's sign-in and account events go through <see cref="Record"/>. Destinations appear masked only.
/// </summary>
public sealed class ActivityLog(IStore store, HolderAlerts alerts, TimeProvider clock)
{
    /// <summary>Appends one entry to the holder's activity log.</summary>
    public Task Record(HolderId holder, string kind, ClientInfo? from, string? detail = null, CancellationToken ct = default) =>
        store.WriteAsync(async tx =>
        {
            await tx.InsertActivity(Entry(holder, kind, from, detail, clock.GetUtcNow()));
            return 0;
        }, ct);

    internal static ActivityEntry Entry(HolderId holder, string kind, ClientInfo? from, string? detail, DateTimeOffset at) =>
        new(ActivityId.New(at), holder, kind, at, Clip(from?.Ip, 64), Clip(from?.Device, 120), Clip(detail, 500));

    /// <summary>A destination as the holder recognises it, masked: "bank account •••• 6789 (US, USD)".</summary>
    public static string Describe(Destination d) => $"{KindName(d.Kind)} {d.Masked} ({d.Country}, {d.Currency.Code})";

    public static string KindName(DestinationKind k) => k switch
    {
        DestinationKind.BankAccount => "bank account",
        DestinationKind.DigitalWallet => "wallet",
        DestinationKind.PrepaidCard => "prepaid card",
        _ => "crypto address",
    };

    /// <summary>Records a new destination and alerts the holder, naming when it becomes usable and how to cancel it.</summary>
    public async Task DestinationAdded(Destination d, ClientInfo from, CancellationToken ct = default)
    {
        var state = await store.ReadAsync(r => r.GetDestinationState(d.Id), ct);
        var usable = state is null ? "" : $" It can receive payouts from {DestinationCoolingOff.Format(state.UsableAt)}.";
        await Record(d.Holder, ActivityKinds.DestinationAdded, from, $"{Describe(d)}.{usable}", ct);
        await alerts.Send(d.Holder, "security.destination_added", "A new payout destination was added",
            $"A payout destination was added to your SmallChange account: {Describe(d)}.{usable} " +
            "If it was not you, cancel it under Destinations in the portal before then, change your password and contact support.", ct);
    }

    public async Task DestinationCancelled(Destination d, ClientInfo from, CancellationToken ct = default)
    {
        await Record(d.Holder, ActivityKinds.DestinationCancelled, from, $"{Describe(d)}.", ct);
        await alerts.Send(d.Holder, "security.destination_cancelled", "A payout destination was cancelled",
            $"The payout destination {Describe(d)} was cancelled: no payout will go to it. If it was not you, contact support.", ct);
    }

    /// <summary>Records a cash-out request (whatever its outcome) and alerts the holder.</summary>
    public async Task CashoutRequested(Cashout c, ClientInfo from, CancellationToken ct = default)
    {
        var d = await store.ReadAsync(r => r.GetDestination(c.Destination), ct);
        var where = d is null ? "" : $" to {Describe(d)}";
        var outcome = c.State switch
        {
            CashoutState.Rejected => $"rejected ({c.FailureReason})",
            CashoutState.Held => "held for review",
            _ => c.State.ToWire(),
        };
        var detail = $"{c.Gross} by {c.Method.ToWireName().Replace('_', ' ')}{where}: {outcome}.";
        await Record(c.Holder, ActivityKinds.CashoutRequested, from, detail, ct);
        await alerts.Send(c.Holder, "security.cashout", c.State == CashoutState.Rejected ? "A cash-out was refused" : "A cash-out was requested",
            $"A cash-out of {c.Gross} (you receive {c.Net}) was requested from your SmallChange account{where}: {outcome}. " +
            "If it was not you, change your password now and contact support.", ct);
    }

    private static string? Clip(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}

/// <summary>Marks destinations whose cooling-off has ended as activated and records it in their holders' activity logs.</summary>
public sealed class DestinationActivation(IStore store, TimeProvider clock)
{
    /// <summary>Activates up to <paramref name="limit"/> due destinations; returns how many.</summary>
    public Task<int> ActivateDue(int limit, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return store.WriteAsync(async tx =>
        {
            var due = await tx.ActivateDueDestinations(now, limit);
            foreach (var s in due)
            {
                var d = await tx.GetDestination(s.Destination);
                await tx.InsertActivity(ActivityLog.Entry(s.Holder, ActivityKinds.DestinationActivated, ClientInfo.System,
                    d is null ? null : $"{ActivityLog.Describe(d)} can now receive payouts.", now));
            }

            return due.Count;
        }, ct);
    }
}
