using System.Globalization;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Cashouts;

/// <summary>What starts an automatic cash-out. Stored by its lower-case name.</summary>
public enum AutoCashoutTrigger
{
    /// <summary>The wallet's available balance is at or above <see cref="AutoCashoutRule.Threshold"/>; checked at most once a UTC day.</summary>
    Threshold,

    /// <summary>Once a week (ISO week, UTC), from <see cref="AutoCashoutRule.WeeklyDay"/> on.</summary>
    Weekly,

    /// <summary>Once a calendar month (UTC), from <see cref="AutoCashoutRule.MonthlyDay"/> on (the last day in a shorter month).</summary>
    Monthly,
}

public static class AutoCashoutTriggers
{
    public static string ToWire(this AutoCashoutTrigger t) => t switch
    {
        AutoCashoutTrigger.Threshold => "threshold",
        AutoCashoutTrigger.Weekly => "weekly",
        AutoCashoutTrigger.Monthly => "monthly",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static AutoCashoutTrigger? FromWire(string? s) => s switch
    {
        "threshold" => AutoCashoutTrigger.Threshold,
        "weekly" => AutoCashoutTrigger.Weekly,
        "monthly" => AutoCashoutTrigger.Monthly,
        _ => null,
    };

    /// <summary>A weekday by its lower-case English name (<c>monday</c> … <c>sunday</c>), or null.</summary>
    public static DayOfWeek? DayFromWire(string? s) =>
        Enum.TryParse<DayOfWeek>(s, ignoreCase: true, out var d) && s!.All(char.IsAsciiLetterLower) ? d : null;

    public static string DayToWire(DayOfWeek d) => d.ToString().ToLowerInvariant();
}

/// <summary>
/// A holder's automatic cash-out rule (one per holder): when it triggers, which wallet currency it cashes out (the whole
/// available balance, down to whole ISO minor units), to which of the holder's destinations (whose kind fixes the
/// payout method), and the most the holder accepts to pay, as an effective cost in basis points. A disabled rule is kept
/// so the settings page can show it, but never runs.
/// </summary>
/// <param name="Threshold">For <see cref="AutoCashoutTrigger.Threshold"/>: the balance that triggers, in <paramref name="Currency"/>; null otherwise.</param>
/// <param name="WeeklyDay">For <see cref="AutoCashoutTrigger.Weekly"/>: the weekday (UTC) from which the week's run is due; null otherwise.</param>
/// <param name="MonthlyDay">For <see cref="AutoCashoutTrigger.Monthly"/>: 1..31, the day (UTC) from which the month's run is due; null otherwise.</param>
/// <param name="TargetMaxCostBps">1..10 000: an automatic cash-out is made only when its effective cost is at or below this.</param>
public sealed record AutoCashoutRule(
    HolderId Holder,
    bool Enabled,
    Currency Currency,
    AutoCashoutTrigger Trigger,
    Money.Money? Threshold,
    DayOfWeek? WeeklyDay,
    int? MonthlyDay,
    DestinationId Destination,
    PayoutMethod Method,
    int TargetMaxCostBps,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The trigger window <paramref name="now"/> falls in when the rule is due then, otherwise null. At most one automatic
    /// cash-out is made per holder and window (the window is part of the cash-out's idempotency key), so a second worker, a
    /// restart or a refusal cannot make another in the same window:
    /// <list type="bullet">
    /// <item>threshold: <c>threshold:USD:2026-11-02</c>, the UTC day (the balance is compared by the caller);</item>
    /// <item>weekly: <c>weekly:2026-W45</c>, the ISO week, due from the chosen weekday to Sunday;</item>
    /// <item>monthly: <c>monthly:2026-11</c>, due from the chosen day (clamped to the month's last day) to the month's end.</item>
    /// </list>
    /// </summary>
    public string? DueWindow(DateTimeOffset now)
    {
        var t = now.UtcDateTime;
        var inv = CultureInfo.InvariantCulture;
        switch (Trigger)
        {
            case AutoCashoutTrigger.Threshold:
                return $"threshold:{Currency.Code}:{t.ToString("yyyy-MM-dd", inv)}";
            case AutoCashoutTrigger.Weekly:
                if (IsoIndex(t.DayOfWeek) < IsoIndex(WeeklyDay!.Value))
                {
                    return null;
                }

                return string.Create(inv, $"weekly:{ISOWeek.GetYear(t)}-W{ISOWeek.GetWeekOfYear(t):00}");
            case AutoCashoutTrigger.Monthly:
                var day = Math.Min(MonthlyDay!.Value, DateTime.DaysInMonth(t.Year, t.Month));
                return t.Day < day ? null : $"monthly:{t.ToString("yyyy-MM", inv)}";
            default:
                throw new InvalidOperationException($"Unknown trigger {Trigger}.");
        }
    }

    /// <summary>The rule in a sentence for the holder: "when USD reaches 25.00", "every week from Friday", "every month from day 1".</summary>
    public string Describe() => Trigger switch
    {
        AutoCashoutTrigger.Threshold => $"when your {Currency.Code} balance reaches {Threshold!.Value.ToDecimalString()}",
        AutoCashoutTrigger.Weekly => $"every week, from {WeeklyDay} (UTC)",
        _ => string.Create(CultureInfo.InvariantCulture, $"every month, from day {MonthlyDay} (UTC)"),
    };

    /// <summary>Monday = 0 … Sunday = 6.</summary>
    private static int IsoIndex(DayOfWeek d) => ((int)d + 6) % 7;

    public override string ToString() => $"AutoCashoutRule {{ Holder = {Holder}, Enabled = {Enabled}, {Trigger.ToWire()}, {Currency.Code} }}";
}

/// <summary>What an evaluation of a due rule came to. Stored by its lower-case name.</summary>
public enum AutoCashoutOutcome
{
    /// <summary>Not made yet: the cost is above the target, no provider can pay the amount, or there is nothing to pay. Looked at again on every pass of the window.</summary>
    Waiting,

    /// <summary>A cash-out was made (approved or held for review). Final for the window.</summary>
    Created,

    /// <summary>The cash-out was refused (limits, KYC tier, cooling-off, funds …), with the reason. Final for the window: not retried until the next one.</summary>
    Refused,
}

public static class AutoCashoutOutcomes
{
    public static string ToWire(this AutoCashoutOutcome o) => o.ToString().ToLowerInvariant();

    public static AutoCashoutOutcome FromWire(string s) => s switch
    {
        "waiting" => AutoCashoutOutcome.Waiting,
        "created" => AutoCashoutOutcome.Created,
        "refused" => AutoCashoutOutcome.Refused,
        _ => throw new InvalidDataException($"Unknown automatic cash-out outcome '{s}'."),
    };

    public static bool IsFinal(this AutoCashoutOutcome o) => o != AutoCashoutOutcome.Waiting;
}

/// <summary>
/// One trigger window of a holder's rule as recorded: its outcome, the reason code (a cash-out's failure reason or an error
/// code; null when created), a sentence for the holder (amounts, costs and codes; never a name or an account number), the
/// cash-out made or refused, and when it was first and last evaluated. Unique per holder and window.
/// </summary>
public sealed record AutoCashoutRun(
    HolderId Holder,
    string Window,
    AutoCashoutOutcome Outcome,
    string? Reason,
    string Detail,
    CashoutId? Cashout,
    DateTimeOffset FirstAt,
    DateTimeOffset At);

/// <summary>
/// A rule as a client sends it (portal form or operator API), before validation against the holder's destinations.
/// Amounts are decimal text in the wallet currency; the target is in basis points.
/// </summary>
public sealed record AutoCashoutInput(
    string? Currency,
    string? Trigger,
    string? Threshold,
    string? WeeklyDay,
    int? MonthlyDay,
    Guid? DestinationId,
    string? Method,
    int? TargetMaxCostBps,
    bool Enabled = true);
