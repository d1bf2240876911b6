namespace SmallChange.Core.Providers.Trust;

/// <summary>
/// The lines of the provider trust rules (configuration: the <c>"trust"</c> section of <c>providers.json</c>).
/// Rates are integer basis points of the provider's finished cash-outs in <see cref="OutcomeWindow"/>; a rate counts only
/// once at least <see cref="MinOutcomes"/> cash-outs finished, so two failures out of three do not suspend anyone.
/// </summary>
public sealed record TrustPolicy
{
    /// <summary>The defaults shipped in <c>config/providers.json</c>.</summary>
    public static TrustPolicy Default { get; } = new();

    /// <summary>How far back stored cash-out outcomes count (default 30 days).</summary>
    public TimeSpan OutcomeWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Finished cash-outs (paid, failed or returned) needed before the rates are judged (default 50).</summary>
    public int MinOutcomes { get; init; } = 50;

    /// <summary>Failed ÷ finished above this flags the provider (default 500 = 5 %).</summary>
    public int FailureRateFlagBps { get; init; } = 500;

    /// <summary>Failed ÷ finished above this suspends the provider (default 2000 = 20 %).</summary>
    public int FailureRateSuspendBps { get; init; } = 2_000;

    /// <summary>Returned ÷ (paid + returned) above this flags the provider (default 300 = 3 %).</summary>
    public int ReturnRateFlagBps { get; init; } = 300;

    /// <summary>Returned ÷ (paid + returned) above this suspends the provider (default 1000 = 10 %).</summary>
    public int ReturnRateSuspendBps { get; init; } = 1_000;

    /// <summary>A licence that expires within this lowers the score (the last valid one only; default 30 days).</summary>
    public TimeSpan LicenceExpiryWarning { get; init; } = TimeSpan.FromDays(30);

    /// <summary>A provider whose score falls below this is suspended even if no single flag suspends it (default 50).</summary>
    public int SuspendBelowScore { get; init; } = 50;

    /// <summary>Thresholds of the zero-fee-with-high-limits flag.</summary>
    public RedFlagPolicy RedFlags { get; init; } = RedFlagPolicy.Default;

    /// <summary>Points each flag takes off the score of 100 (the score never goes below 0).</summary>
    public static class Points
    {
        public const int Unverified = 100;
        public const int Suspended = 0;
        public const int NoLicence = 60;
        public const int LicenceExpired = 60;
        public const int LicenceExpiringSoon = 5;
        public const int RateBetterThanMidMarket = 50;
        public const int ZeroFeeHighLimit = 40;
        public const int RateFlagged = 20;
        public const int RateSuspends = 60;
    }
}
