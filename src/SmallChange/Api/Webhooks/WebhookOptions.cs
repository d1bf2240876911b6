namespace SmallChange.Api.Webhooks;

/// <summary>
/// Webhook delivery settings. Outbound deliveries are retried with exponential backoff — <see cref="FirstRetry"/>,
/// doubled each time up to <see cref="MaxRetryDelay"/> — and given up after <see cref="MaxAttempts"/> attempts (about
/// 17 hours with the defaults); each attempt waits at most <see cref="Timeout"/> for an answer.
/// </summary>
public sealed record WebhookOptions
{
    public int MaxAttempts { get; init; } = 25;

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed delivery is reserved for one dispatcher (well above <see cref="Timeout"/>).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long received provider event ids are remembered (replays older than the 5-minute window fail the timestamp check anyway).</summary>
    public TimeSpan InboundRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The largest inbound webhook body accepted.</summary>
    public int MaxInboundBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Where the sandbox providers send their callbacks in callback mode (<c>SmallChange:Webhooks:SandboxCallbackUrl</c>);
    /// default: the first address <c>serve</c> listens on.
    /// </summary>
    public string? SandboxCallbackUrl { get; init; }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failed ones.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var seconds = FirstRetry.TotalSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxRetryDelay.TotalSeconds));
    }
}
