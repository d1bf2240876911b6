using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Security;
using SmallChange.Http;

namespace SmallChange.Api.Holders;

/// <summary>A holder's automatic cash-out rule as an operator sets it. Amounts are decimal text in the wallet currency.</summary>
public sealed record AutoCashoutBody(
    string? Currency,
    string? Trigger,
    DecimalText? Threshold,
    string? WeeklyDay,
    int? MonthlyDay,
    Guid? DestinationId,
    string? Method,
    int? TargetMaxCostBps,
    bool? Enabled);

public sealed record AutoCashoutRunDto(string Window, string Outcome, string? Reason, string Detail, Guid? CashoutId, string FirstAt, string At)
{
    public static AutoCashoutRunDto From(AutoCashoutRun r) =>
        new(r.Window, r.Outcome.ToWire(), r.Reason, r.Detail, r.Cashout?.Value, Wire.Time(r.FirstAt), Wire.Time(r.At));
}

public sealed record AutoCashoutResponse(
    Guid HolderId,
    bool Enabled,
    string Currency,
    string Trigger,
    string? Threshold,
    string? WeeklyDay,
    int? MonthlyDay,
    Guid DestinationId,
    string Method,
    int TargetMaxCostBps,
    string TargetMaxCostPercent,
    string Description,
    string CreatedAt,
    string UpdatedAt,
    IReadOnlyList<AutoCashoutRunDto> Runs)
{
    public static AutoCashoutResponse From(AutoCashoutRule r, IReadOnlyList<AutoCashoutRun> runs) => new(
        r.Holder.Value, r.Enabled, r.Currency.Code, r.Trigger.ToWire(), r.Threshold?.ToDecimalString(),
        r.WeeklyDay is { } d ? AutoCashoutTriggers.DayToWire(d) : null, r.MonthlyDay, r.Destination.Value, Core.Providers.PayoutMethods.ToWireName(r.Method),
        r.TargetMaxCostBps, AutoCashoutService.Percent(r.TargetMaxCostBps), r.Describe(), Wire.Time(r.CreatedAt), Wire.Time(r.UpdatedAt),
        runs.Select(AutoCashoutRunDto.From).ToList());
}

/// <summary>
/// <c>/v1/holders/{id}/auto-cashout</c>: an operator reads, sets and turns off a holder's automatic cash-out rule (with
/// operator keys, like every holder route; an operator authenticates its holders itself, so no step-up here). Each change
/// is in the holder's activity log and alerted.
/// </summary>
public static class AutoCashoutEndpoints
{
    public static RouteGroupBuilder MapAutoCashout(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/holders/{holderId:guid}/auto-cashout").WithTags("Automatic cash-out").RequireAuthorization(Policies.Operator);
        g.MapGet("/", Get);
        g.MapPut("/", Put);
        g.MapDelete("/", Delete);
        return v1;
    }

    /// <summary>The holder's rule and its last trigger windows with their outcomes (waiting with the reason, created, refused).</summary>
    private static async Task<Results<Ok<AutoCashoutResponse>, ProblemHttpResult>> Get(Guid holderId, AutoCashoutService auto, Core.Ports.IStore store, HttpContext http)
    {
        var holder = new HolderId(holderId);
        if (await store.ReadAsync(r => r.GetHolder(holder), http.RequestAborted) is null)
        {
            return Problems.Result("holder.not_found", "No such holder.", http: http);
        }

        var rule = await auto.Get(holder, http.RequestAborted);
        return rule is null
            ? Problems.Result("auto_cashout.not_found", "This holder has no automatic cash-out rule.", http: http)
            : TypedResults.Ok(AutoCashoutResponse.From(rule, await auto.Runs(holder, 20, http.RequestAborted)));
    }

    /// <summary>
    /// Sets the holder's rule (replacing any earlier one): <c>trigger</c> threshold (with <c>threshold</c>), weekly (with
    /// <c>weekly_day</c>) or monthly (with <c>monthly_day</c>); <c>currency</c>, the wallet to cash out in full;
    /// <c>destination_id</c>, one of the holder's destinations (its kind fixes the method); <c>target_max_cost_bps</c>, the
    /// most the cash-out may cost. A due rule whose cheapest option costs more waits and records why.
    /// </summary>
    private static async Task<Results<Ok<AutoCashoutResponse>, ProblemHttpResult>> Put(Guid holderId, AutoCashoutBody body, AutoCashoutService auto, HttpContext http)
    {
        var input = new AutoCashoutInput(body.Currency, body.Trigger, body.Threshold?.Text, body.WeeklyDay, body.MonthlyDay, body.DestinationId, body.Method,
            body.TargetMaxCostBps, body.Enabled ?? true);
        var holder = new HolderId(holderId);
        var saved = await auto.Save(holder, input, ClientInfo.OperatorApi, http.RequestAborted);
        return saved.TryGet(out var rule, out var error)
            ? TypedResults.Ok(AutoCashoutResponse.From(rule, await auto.Runs(holder, 20, http.RequestAborted)))
            : Problems.Result(error, http);
    }

    /// <summary>Turns the holder's rule off (it is kept, disabled, with its history); a second call changes nothing.</summary>
    private static async Task<Results<Ok<AutoCashoutResponse>, ProblemHttpResult>> Delete(Guid holderId, AutoCashoutService auto, HttpContext http)
    {
        var holder = new HolderId(holderId);
        var disabled = await auto.Disable(holder, ClientInfo.OperatorApi, http.RequestAborted);
        return disabled.TryGet(out var rule, out var error)
            ? TypedResults.Ok(AutoCashoutResponse.From(rule, await auto.Runs(holder, 20, http.RequestAborted)))
            : Problems.Result(error, http);
    }
}
