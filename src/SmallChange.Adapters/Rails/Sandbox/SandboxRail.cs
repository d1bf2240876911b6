using System.Security.Cryptography;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Rails.Sandbox;

/// <summary>How the sandbox providers behave: settlement delay and simulated failure and return rates (basis points).</summary>
public sealed record SandboxOptions
{
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Share of payouts that fail, in basis points (100 = 1 %).</summary>
    public int FailureBps { get; init; } = 300;

    /// <summary>Share of paid payouts that come back later (returned), in basis points.</summary>
    public int ReturnBps { get; init; } = 100;

    /// <summary>How long after payment a return arrives.</summary>
    public TimeSpan ReturnDelay { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Callback mode: the providers report each outcome by a signed webhook to SmallChange (<see cref="SandboxCallbacks"/>)
    /// and answer every status poll with "pending", as a provider that only calls back would.
    /// </summary>
    public bool Callbacks { get; init; }
}

/// <summary>
/// SANDBOX rail: simulated providers for the embedded default. No money moves. It keeps a provider-side record of
/// every instruction it received, once per idempotency key (the cash-out id) with a delivery count, so tests can prove
/// that a redelivered instruction is never paid twice. The outcome of a payout is a deterministic function of its
/// cash-out id and the configured rates; it becomes visible after the settlement delay — to the status poll, or, in
/// callback mode (<see cref="SandboxOptions.Callbacks"/>), by a signed callback.
/// </summary>
public sealed class SandboxRail(IStore store, SandboxOptions options, TimeProvider clock) : IPayoutRail
{
    public const string RailName = "sandbox";

    public string Name => RailName;

    public async Task<RailSubmitResult> Submit(PayoutInstruction i, CancellationToken ct)
    {
        if (!i.Net.IsPositive)
        {
            return new RailSubmitResult(RailSubmitStatus.Rejected, null, "sandbox.amount_not_positive");
        }

        var now = clock.GetUtcNow();
        var (fail, ret) = Draw(i.Cashout);
        var outcome = fail < options.FailureBps ? "failed" : ret < options.ReturnBps ? "returned" : "paid";
        var settleAt = now + options.SettleDelay;
        var payment = await store.WriteAsync(async tx =>
        {
            var p = await tx.SandboxReceive(new SandboxPayment(
                i.ProviderId, i.Cashout.ToString(), i.Cashout, i.Net.Units, i.Net.Currency.Code, i.Destination.Fingerprint, 1, outcome,
                now, settleAt, outcome == "returned" ? settleAt + options.ReturnDelay : null));
            if (options.Callbacks)
            {
                await SandboxCallbacks.Schedule(tx, p);
            }

            return p;
        }, ct);
        return new RailSubmitResult(RailSubmitStatus.Accepted, $"sbx_{payment.ProviderId}_{payment.Cashout.Value:N}", null);
    }

    public async Task<RailStatus> GetStatus(string providerId, CashoutId cashout, CancellationToken ct)
    {
        var p = options.Callbacks ? null : await store.ReadAsync(r => r.GetSandboxPayment(providerId, cashout.ToString()), ct);
        var now = clock.GetUtcNow();
        if (p is null || now < p.SettleAt)
        {
            return new RailStatus(RailPaymentStatus.Pending, null, null);
        }

        return p.Outcome switch
        {
            "failed" => new RailStatus(RailPaymentStatus.Failed, "sandbox.simulated_failure", p.SettleAt),
            "returned" when p.ReturnAt <= now => new RailStatus(RailPaymentStatus.Returned, "sandbox.simulated_return", p.ReturnAt),
            _ => new RailStatus(RailPaymentStatus.Paid, null, p.SettleAt),
        };
    }

    private static (int Fail, int Return) Draw(CashoutId id)
    {
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(id.Value.ToByteArray(), h);
        return (((h[0] << 8) | h[1]) % 10_000, ((h[2] << 8) | h[3]) % 10_000);
    }
}
