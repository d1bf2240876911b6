using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Settings;

/// <summary>
/// The holder's automatic cash-out rule: view, set, change or turn off (each behind a step-up: a fresh second-factor
/// code), with the last trigger windows and what came of them. The runs themselves need no code (see AutoCashoutService).
/// </summary>
public sealed class AutoCashoutModel(AutoCashoutService auto, CashoutService cashouts, StepUpVerifier stepUp, TimeProvider clock) : MoneyPage(stepUp)
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public AutoCashoutRule? Rule { get; private set; }

    public IReadOnlyList<AutoCashoutRun> Runs { get; private set; } = [];

    /// <summary>The holder's destinations that can be chosen (not cancelled), with their state.</summary>
    public IReadOnlyList<(Destination Destination, DestinationState? State)> Destinations { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    [FromQuery(Name = "done")]
    public string? Done { get; set; }

    public sealed class InputModel
    {
        [Display(Name = "Currency to cash out")]
        [StringLength(3, ErrorMessage = "Enter a three-letter currency code, such as USD.")]
        public string Currency { get; set; } = "USD";

        [Display(Name = "When")]
        public string Trigger { get; set; } = "threshold";

        [Display(Name = "Balance that starts a cash-out")]
        [StringLength(24)]
        public string? Threshold { get; set; }

        [Display(Name = "Day of the week")]
        public string WeeklyDay { get; set; } = "friday";

        [Display(Name = "Day of the month")]
        [Range(1, 31, ErrorMessage = "Choose a day from 1 to 31.")]
        public int MonthlyDay { get; set; } = 1;

        [Display(Name = "Destination")]
        public Guid? DestinationId { get; set; }

        [Display(Name = "Most it may cost, in percent")]
        [StringLength(8)]
        public string TargetPercent { get; set; } = "3.00";
    }

    public static readonly (string Value, string Label)[] Triggers =
    [
        ("threshold", "When my balance reaches an amount (checked once a day at most)"),
        ("weekly", "Every week"),
        ("monthly", "Every month"),
    ];

    public static readonly DayOfWeek[] Days =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        await Load(holder, fillForm: true);
        await LoadSecurity();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Holder is not { } holder || Session is not { } session)
        {
            return Challenge();
        }

        var bps = ParsePercent(Input.TargetPercent);
        if (bps is null)
        {
            ModelState.AddModelError("Input.TargetPercent", "Enter a percentage from 0.01 to 100, such as 2.5.");
        }

        if (!ModelState.IsValid || !await StepUpIfNeeded() || bps is null)
        {
            await Load(holder, fillForm: false);
            await LoadSecurity();
            return Page();
        }

        var input = new AutoCashoutInput(Input.Currency?.Trim().ToUpperInvariant(), Input.Trigger, Input.Threshold?.Trim(), Input.WeeklyDay, Input.MonthlyDay,
            Input.DestinationId, null, bps);
        var saved = await auto.Save(session, input, HttpContext.RequestAborted);
        if (!saved.TryGet(out _, out var error))
        {
            AddError(error, FieldKey);
            await Load(holder, fillForm: false);
            await LoadSecurity();
            return Page();
        }

        return Redirect("/settings/auto-cashout?done=saved");
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (Holder is not { } holder || Session is not { } session)
        {
            return Challenge();
        }

        ModelState.Clear();
        if (!await StepUpIfNeeded())
        {
            await Load(holder, fillForm: true);
            await LoadSecurity();
            return Page();
        }

        var disabled = await auto.Disable(session, HttpContext.RequestAborted);
        if (!disabled.TryGet(out _, out var error))
        {
            AddError(error);
            await Load(holder, fillForm: true);
            await LoadSecurity();
            return Page();
        }

        return Redirect("/settings/auto-cashout?done=disabled");
    }

    /// <summary>"2.5" → 250 basis points; null unless 0.01 ≤ percent ≤ 100 with at most two decimals.</summary>
    public static int? ParsePercent(string? text)
    {
        if (!decimal.TryParse(text?.Trim().TrimEnd('%').Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p))
        {
            return null;
        }

        var bps = p * 100m;
        return bps == decimal.Truncate(bps) && bps is >= 1 and <= 10_000 ? (int)bps : null;
    }

    private async Task Load(HolderId holder, bool fillForm)
    {
        Now = clock.GetUtcNow();
        Rule = await auto.Get(holder, HttpContext.RequestAborted);
        Runs = await auto.Runs(holder, 20, HttpContext.RequestAborted);
        Destinations = (await cashouts.DestinationsWithState(holder, 100, HttpContext.RequestAborted))
            .Where(x => x.State?.StatusAt(Now) != DestinationStatus.Cancelled).ToList();
        if (fillForm && Rule is { } r)
        {
            Input = new InputModel
            {
                Currency = r.Currency.Code,
                Trigger = r.Trigger.ToWire(),
                Threshold = r.Threshold?.ToDecimalString(),
                WeeklyDay = AutoCashoutTriggers.DayToWire(r.WeeklyDay ?? DayOfWeek.Friday),
                MonthlyDay = r.MonthlyDay ?? 1,
                DestinationId = r.Destination.Value,
                TargetPercent = AutoCashoutService.Percent(r.TargetMaxCostBps),
            };
        }
    }

    /// <summary>The form field of an error's API field name.</summary>
    private static string? FieldKey(string? field) => field switch
    {
        "currency" => "Input.Currency",
        "trigger" => "Input.Trigger",
        "threshold" => "Input.Threshold",
        "weekly_day" => "Input.WeeklyDay",
        "monthly_day" => "Input.MonthlyDay",
        "destination_id" => "Input.DestinationId",
        "target_max_cost_bps" => "Input.TargetPercent",
        _ => null,
    };
}
