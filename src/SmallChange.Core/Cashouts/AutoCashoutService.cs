using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Security;

namespace SmallChange.Core.Cashouts;

/// <summary>What one pass of <see cref="AutoCashoutService.RunDue"/> did.</summary>
public sealed record AutoCashoutPass(int Evaluated, int Created, int Refused, int Waiting);

/// <summary>
/// Automatic cash-out (PRODUCT.md §3, issue 7 point 3): a holder's rule says when (a balance threshold, or a weekly or
/// monthly schedule), to which destination and at what most cost. <see cref="RunDue"/> (the worker) evaluates every
/// enabled rule: when one is due it prices the whole available balance with the quote engine for the destination's
/// method, and makes the cash-out only when the cheapest option's effective cost is at or below the holder's target;
/// otherwise it records why it waits, with the wait advice. The cash-out goes through <see cref="CashoutService.Request"/>
/// like a manual one, so holder status, KYC tier, limits, cooling-off, sanctions, AML and the no-negative rule all apply;
/// a refusal is recorded and not retried until the next window.
/// </summary>
/// <remarks>
/// <para>One cash-out per holder and trigger window (see <see cref="AutoCashoutRule.DueWindow"/>), on any number of nodes:
/// the cash-out's idempotency key is derived from the holder and the window, so a second worker racing the first gets
/// the first one's cash-out back as a replay; the window's record is final once created or refused and is written by a
/// conditional upsert, so only one node writes the activity entry and the alert.</para>
/// <para>Step-up: setting, changing or turning off the rule in the portal needs a fresh second factor
/// (<see cref="Save(PortalSession, AutoCashoutInput, CancellationToken)"/>); the automatic runs do not, since nobody is
/// there to give one. The rule can only pay to one of the holder's own destinations, which had their own step-up and
/// cooling-off when added, and every run is in the activity log with an alert.</para>
/// </remarks>
public sealed class AutoCashoutService(IStore store, CashoutService cashouts, StepUpGate stepUp, ActivityLog activity, HolderAlerts alerts, TimeProvider clock)
{
    public const string IdempotencyPrefix = "auto:";
    public const string ActivityChanged = "auto_cashout.changed";
    public const string ActivityDisabled = "auto_cashout.disabled";
    public const string ActivityCashout = "auto_cashout.cashout";
    public const string ActivityRefused = "auto_cashout.refused";

    /// <summary>How far back the holder's credits are averaged into an earning rate for the wait advice's projected date.</summary>
    public static readonly TimeSpan EarningWindow = TimeSpan.FromDays(30);

    private const int Page = 200;

    /// <summary>The holder's rule, or null when none was ever set.</summary>
    public Task<AutoCashoutRule?> Get(HolderId holder, CancellationToken ct = default) => store.ReadAsync(r => r.GetAutoCashoutRule(holder), ct);

    /// <summary>The holder's most recent trigger windows and their outcomes, last evaluated first.</summary>
    public Task<IReadOnlyList<AutoCashoutRun>> Runs(HolderId holder, int limit = 20, CancellationToken ct = default) =>
        store.ReadAsync(r => r.ListAutoCashoutRuns(holder, limit), ct);

    /// <summary>Sets the rule from the portal: needs a step-up in the session (see the class remarks).</summary>
    public async Task<Result<AutoCashoutRule>> Save(PortalSession s, AutoCashoutInput input, CancellationToken ct = default)
    {
        if (await stepUp.Require(s, ct) is { } refused)
        {
            return refused;
        }

        return await Save(s.Holder, input, s.Client, ct);
    }

    /// <summary>Turns the rule off from the portal: needs a step-up in the session.</summary>
    public async Task<Result<AutoCashoutRule>> Disable(PortalSession s, CancellationToken ct = default)
    {
        if (await stepUp.Require(s, ct) is { } refused)
        {
            return refused;
        }

        return await Disable(s.Holder, s.Client, ct);
    }

    /// <summary>
    /// Validates and stores the holder's rule (replacing any earlier one). Errors: <c>holder.not_found</c>,
    /// <c>auto_cashout.*</c> for a field (trigger, threshold, day, target, method), <c>auto_cashout.destination_unknown</c>
    /// for a destination that is not the holder's, <c>auto_cashout.destination_cancelled</c>, <c>currency.unknown</c>.
    /// </summary>
    public async Task<Result<AutoCashoutRule>> Save(HolderId holder, AutoCashoutInput input, ClientInfo from, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (h, existing) = await store.ReadAsync(async r => (await r.GetHolder(holder), await r.GetAutoCashoutRule(holder)), ct);
        if (h is null)
        {
            return new Error("holder.not_found", "No such holder.", "holder_id");
        }

        var validated = await Validate(holder, input, existing, now, ct);
        if (!validated.TryGet(out var rule, out var error))
        {
            return error;
        }

        await store.WriteAsync(async tx =>
        {
            await tx.UpsertAutoCashoutRule(rule);
            return 0;
        }, ct);
        var d = await store.ReadAsync(r => r.GetDestination(rule.Destination), ct);
        var text = rule.Enabled
            ? $"Automatic cash-out {rule.Describe()}, to {(d is null ? "your destination" : ActivityLog.Describe(d))}, when it costs at most {Percent(rule.TargetMaxCostBps)}%."
            : "Automatic cash-out settings saved, turned off.";
        await activity.Record(holder, rule.Enabled ? ActivityChanged : ActivityDisabled, from, text, ct);
        await alerts.Send(holder, "security.auto_cashout", "Your automatic cash-out settings changed",
            $"{text} If it was not you, turn it off under Settings in the portal, change your password and contact support.", ct);
        return rule;
    }

    /// <summary>Turns the holder's rule off. Errors: <c>auto_cashout.not_found</c> when the holder has no rule.</summary>
    public async Task<Result<AutoCashoutRule>> Disable(HolderId holder, ClientInfo from, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (changed, rule) = await store.WriteAsync(async tx => (await tx.DisableAutoCashoutRule(holder, now), await tx.GetAutoCashoutRule(holder)), ct);
        if (rule is null)
        {
            return new Error("auto_cashout.not_found", "This holder has no automatic cash-out rule.", "holder_id");
        }

        if (changed)
        {
            await activity.Record(holder, ActivityDisabled, from, "Automatic cash-out turned off.", ct);
            await alerts.Send(holder, "security.auto_cashout", "Automatic cash-out turned off",
                "Automatic cash-out was turned off on your SmallChange account. If it was not you, change your password and contact support.", ct);
        }

        return rule;
    }

    /// <summary>Evaluates every enabled rule once (see the class summary); returns what it did.</summary>
    public async Task<AutoCashoutPass> RunDue(CancellationToken ct = default)
    {
        int evaluated = 0, created = 0, refused = 0, waiting = 0;
        string? cursor = null;
        do
        {
            var page = await store.ReadAsync(r => r.ListEnabledAutoCashoutRules(cursor, Page), ct);
            foreach (var rule in page.Items)
            {
                var run = await Evaluate(rule, ct);
                if (run is null)
                {
                    continue;
                }

                evaluated++;
                switch (run.Outcome)
                {
                    case AutoCashoutOutcome.Created: created++; break;
                    case AutoCashoutOutcome.Refused: refused++; break;
                    default: waiting++; break;
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return new AutoCashoutPass(evaluated, created, refused, waiting);
    }

    /// <summary>
    /// Evaluates one rule now: null when it is not due (off, outside its schedule, balance under the threshold, or its
    /// window is final already); otherwise the window's record as it stands after this evaluation.
    /// </summary>
    public async Task<AutoCashoutRun?> Evaluate(AutoCashoutRule rule, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (!rule.Enabled || rule.DueWindow(now) is not { } window)
        {
            return null;
        }

        var (existing, wallet, destination) = await store.ReadAsync(async r => (
            await r.GetAutoCashoutRun(rule.Holder, window),
            await r.FindAccount(AccountKey.Wallet(rule.Holder, rule.Currency)),
            await r.GetDestination(rule.Destination)), ct);
        if (existing is not null && existing.Outcome.IsFinal())
        {
            return null;
        }

        var available = wallet?.Available ?? Money.Money.Zero(rule.Currency);
        if (rule.Trigger == AutoCashoutTrigger.Threshold && available < rule.Threshold!.Value)
        {
            return null;
        }

        var payable = available.IsPositive ? available.SplitPayable().Payable : Money.Money.Zero(rule.Currency);
        if (!payable.IsPositive)
        {
            return await Wait(rule, window, existing, "nothing_to_pay", $"Waiting: there is nothing to cash out in {rule.Currency.Code} yet.", now, ct);
        }

        if (destination is null || destination.Holder != rule.Holder)
        {
            return await Refuse(rule, window, "destination.not_found", "Refused: the destination of the rule no longer exists.", null, now, ct);
        }

        var request = new QuoteRequest(available, destination.Currency, destination.Country, now)
        {
            Method = rule.Method,
            TargetMaxCostBps = rule.TargetMaxCostBps,
            EarningRatePerDay = await EarningRate(rule.Holder, rule.Currency, now, ct),
        };
        var priced = await cashouts.Price(request, ct);
        if (!priced.TryGet(out var draft, out var priceError))
        {
            return await Refuse(rule, window, priceError.Code, $"Refused: {priceError.Message}", null, now, ct);
        }

        var option = Cheapest(draft, rule.Method);
        if (option is null || option.EffectiveCostBps > rule.TargetMaxCostBps)
        {
            var (reason, text) = WaitText(draft, rule, option);
            return await Wait(rule, window, existing, reason, text, now, ct);
        }

        var quoted = await cashouts.Quote(rule.Holder, request, ct);
        if (!quoted.TryGet(out var quote, out var quoteError))
        {
            return await Refuse(rule, window, quoteError.Code, $"Refused: {quoteError.Message}", null, now, ct);
        }

        if (Cheapest(quote.Draft, rule.Method) is not { } chosen || chosen.EffectiveCostBps > rule.TargetMaxCostBps)
        {
            var (reason, text) = WaitText(quote.Draft, rule, Cheapest(quote.Draft, rule.Method));
            return await Wait(rule, window, existing, reason, text, now, ct);
        }

        var key = IdempotencyPrefix + rule.Holder + ":" + window;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"auto|{rule.Holder}|{window}"));
        var requested = await cashouts.Request(new CashoutCommand(rule.Holder, quote.Id, destination.Id, chosen.ProviderId), key, hash, ct);
        if (!requested.TryGet(out var result, out var error))
        {
            return await Refuse(rule, window, error.Code, $"Refused: {error.Message}", null, now, ct);
        }

        var c = result.Cashout;
        if (c.State == CashoutState.Rejected)
        {
            return await Refuse(rule, window, c.FailureReason ?? "cashout.rejected",
                $"Refused: a cash-out of {c.Gross} by {Method(c.Method)} was rejected ({c.FailureReason}).", c, now, ct);
        }

        var detail = string.Create(CultureInfo.InvariantCulture,
            $"Cashed out {c.Gross} by {Method(c.Method)} to {ActivityLog.Describe(destination)}: you receive {c.Net}, cost {Percent(c.Option.EffectiveCostBps)}% (target {Percent(rule.TargetMaxCostBps)}%); {(c.State == CashoutState.Held ? "held for review" : c.State.ToWire())}.");
        var run = new AutoCashoutRun(rule.Holder, window, AutoCashoutOutcome.Created, null, detail, c.Id, existing?.FirstAt ?? now, now);
        if (await Record(run, ct))
        {
            await activity.Record(rule.Holder, ActivityCashout, ClientInfo.System, detail, ct);
            await alerts.Send(rule.Holder, "security.cashout", "An automatic cash-out was made",
                $"Your automatic cash-out rule ({rule.Describe()}) made a cash-out of {c.Gross}: you receive {c.Net}. " +
                "If you did not set this rule, turn it off under Settings in the portal, change your password and contact support.", ct);
        }

        return await store.ReadAsync(r => r.GetAutoCashoutRun(rule.Holder, window), ct);
    }

    /// <summary>The rule from the input, checked against the holder's destinations.</summary>
    private async Task<Result<AutoCashoutRule>> Validate(HolderId holder, AutoCashoutInput input, AutoCashoutRule? existing, DateTimeOffset now, CancellationToken ct)
    {
        if (Currencies.Find(input.Currency) is not { } currency)
        {
            return new Error(input.Currency is null ? "currency.missing" : "currency.unknown", "currency (the wallet currency to cash out) must be a configured ISO code.", "currency");
        }

        if (AutoCashoutTriggers.FromWire(input.Trigger) is not { } trigger)
        {
            return new Error("auto_cashout.trigger_invalid", "trigger is threshold, weekly or monthly.", "trigger");
        }

        Money.Money? threshold = null;
        DayOfWeek? weekly = null;
        int? monthly = null;
        switch (trigger)
        {
            case AutoCashoutTrigger.Threshold:
                var parsed = Money.Money.ParsePositive(input.Threshold, currency, "threshold");
                if (!parsed.TryGet(out var t, out _) || t.Units % currency.LedgerUnitsPerIsoMinor != 0)
                {
                    return new Error("auto_cashout.threshold_invalid", $"threshold is a positive amount in whole {currency.Code} minor units, such as 25.00.", "threshold");
                }

                threshold = t;
                break;
            case AutoCashoutTrigger.Weekly:
                weekly = AutoCashoutTriggers.DayFromWire(input.WeeklyDay);
                if (weekly is null)
                {
                    return new Error("auto_cashout.day_invalid", "weekly_day is monday, tuesday, … or sunday.", "weekly_day");
                }

                break;
            default:
                if (input.MonthlyDay is not (>= 1 and <= 31))
                {
                    return new Error("auto_cashout.day_invalid", "monthly_day is 1 to 31 (in a shorter month, its last day).", "monthly_day");
                }

                monthly = input.MonthlyDay;
                break;
        }

        if (input.TargetMaxCostBps is not (>= 1 and <= 10_000))
        {
            return new Error("auto_cashout.target_invalid", "The target maximum cost is 0.01 % to 100 % (1 to 10 000 basis points).", "target_max_cost_bps");
        }

        if (input.DestinationId is not { } destinationId)
        {
            return new Error("auto_cashout.destination_unknown", "destination_id is required: one of the holder's destinations.", "destination_id");
        }

        var (destination, state) = await store.ReadAsync(async r => (await r.GetDestination(new DestinationId(destinationId)), await r.GetDestinationState(new DestinationId(destinationId))), ct);
        if (destination is null || destination.Holder != holder)
        {
            return new Error("auto_cashout.destination_unknown", "No such destination for this holder.", "destination_id");
        }

        if (state?.StatusAt(now) == DestinationStatus.Cancelled)
        {
            return new Error("auto_cashout.destination_cancelled", "This destination was cancelled; choose another one.", "destination_id");
        }

        if (input.Method is not null && PayoutMethods.FromWireName(input.Method) != destination.Method)
        {
            return new Error("auto_cashout.method_mismatch", $"The destination is paid by {destination.Method.ToWireName()}; method must match it or be left out.", "method");
        }

        return new AutoCashoutRule(holder, input.Enabled, currency, trigger, threshold, weekly, monthly, destination.Id, destination.Method,
            input.TargetMaxCostBps.Value, existing?.CreatedAt ?? now, now);
    }

    private static QuoteOption? Cheapest(QuoteDraft draft, PayoutMethod method) =>
        draft.Options.Where(o => o.Method == method).OrderBy(o => o.EffectiveCostBps).ThenByDescending(o => o.Net.Units).ThenBy(o => o.TypicalArrival).FirstOrDefault();

    private static (string Reason, string Text) WaitText(QuoteDraft draft, AutoCashoutRule rule, QuoteOption? option)
    {
        var advice = draft.Wait is { } w
            ? string.Create(CultureInfo.InvariantCulture, $" At {w.TargetAmount} ({w.ProviderId}, {Method(w.Method)}) it would cost {Percent(w.EffectiveCostBps)}%") +
              (w.ProjectedAt is { } p ? $", which your earnings reach around {p.UtcDateTime:yyyy-MM-dd}." : ".")
            : " No amount within the providers' limits meets the target.";
        if (option is null)
        {
            var reasons = draft.Excluded.Where(e => e.Method == rule.Method).SelectMany(e => e.Reasons).Distinct(StringComparer.Ordinal).ToList();
            return ("no_option", $"Waiting: no provider can pay {draft.Gross} by {Method(rule.Method)} now{(reasons.Count == 0 ? "" : $" ({string.Join(", ", reasons)})")}.{advice}");
        }

        return ("cost_above_target", string.Create(CultureInfo.InvariantCulture,
            $"Waiting: cost {Percent(option.EffectiveCostBps)}% above target {Percent(rule.TargetMaxCostBps)}% for {draft.Gross} by {Method(rule.Method)} ({option.ProviderId}).{advice}"));
    }

    private async Task<AutoCashoutRun?> Wait(AutoCashoutRule rule, string window, AutoCashoutRun? existing, string reason, string detail, DateTimeOffset now, CancellationToken ct)
    {
        if (existing is not null && existing.Reason == reason && existing.Detail == detail)
        {
            return existing; // nothing new to record: no write on every pass
        }

        var run = new AutoCashoutRun(rule.Holder, window, AutoCashoutOutcome.Waiting, reason, detail, null, existing?.FirstAt ?? now, now);
        await Record(run, ct);
        return await store.ReadAsync(r => r.GetAutoCashoutRun(rule.Holder, window), ct);
    }

    private async Task<AutoCashoutRun?> Refuse(AutoCashoutRule rule, string window, string reason, string detail, Cashout? rejected, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await store.ReadAsync(r => r.GetAutoCashoutRun(rule.Holder, window), ct);
        var run = new AutoCashoutRun(rule.Holder, window, AutoCashoutOutcome.Refused, reason, detail, rejected?.Id, existing?.FirstAt ?? now, now);
        if (await Record(run, ct))
        {
            await activity.Record(rule.Holder, ActivityRefused, ClientInfo.System, detail, ct);
            await alerts.Send(rule.Holder, "security.cashout", "An automatic cash-out was refused",
                $"Your automatic cash-out rule ({rule.Describe()}) could not cash out: {detail} It is tried again in its next window.", ct);
        }

        return await store.ReadAsync(r => r.GetAutoCashoutRun(rule.Holder, window), ct);
    }

    private Task<bool> Record(AutoCashoutRun run, CancellationToken ct) => store.WriteAsync(tx => tx.RecordAutoCashoutRun(run), ct);

    /// <summary>The holder's average credits per day in the currency over <see cref="EarningWindow"/>, or null when none.</summary>
    private async Task<Money.Money?> EarningRate(HolderId holder, Currency currency, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - EarningWindow;
        var total = 0L;
        string? cursor = null;
        for (var pages = 0; pages < 5; pages++)
        {
            var page = await store.ReadAsync(r => r.ListCredits(holder, null, cursor, Page), ct);
            foreach (var c in page.Items)
            {
                if (c.CreatedAt < since)
                {
                    cursor = null;
                    break;
                }

                if (c.Amount.Currency == currency)
                {
                    total = checked(total + c.Amount.Units);
                }
            }

            if (page.NextCursor is null || page.Items.Count == 0 || page.Items[^1].CreatedAt < since)
            {
                break;
            }

            cursor = page.NextCursor;
        }

        var perDay = total / (long)EarningWindow.TotalDays;
        return perDay > 0 ? new Money.Money(perDay, currency) : null;
    }

    private static string Method(PayoutMethod m) => m.ToWireName().Replace('_', ' ');

    public static string Percent(int bps) => (bps / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
