using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Api.Quotes;
using SmallChange.Api.Sources;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Http;

namespace SmallChange.Api.Cashouts;

public sealed record CashoutRequestBody(Guid? HolderId, Guid? QuoteId, Guid? DestinationId, string? ProviderId);

public sealed record CheckDto(string Check, string Outcome, string? Reason, string? Detail);

public sealed record CashoutEventDto(string State, string? Reason, string At);

public sealed record CashoutResponse(
    Guid Id,
    Guid HolderId,
    Guid QuoteId,
    Guid DestinationId,
    string ProviderId,
    string Method,
    string State,
    MoneyDto Gross,
    MoneyDto Fee,
    MoneyDto Net,
    string? FailureReason,
    IReadOnlyList<CheckDto> Checks,
    string CreatedAt,
    string UpdatedAt,
    bool Replayed)
{
    public static CashoutResponse From(Cashout c, bool replayed = false) => new(
        c.Id.Value, c.Holder.Value, c.Quote.Value, c.Destination.Value, c.ProviderId, c.Method.ToWireName(), c.State.ToWire(),
        MoneyDto.From(c.Gross), MoneyDto.From(c.Fee), MoneyDto.From(c.Net), c.FailureReason,
        c.Checks.Select(x => new CheckDto(x.Check, x.Outcome, x.Reason, x.Detail)).ToList(), Wire.Time(c.CreatedAt), Wire.Time(c.UpdatedAt), replayed);
}

/// <summary>
/// A receipt: what was asked, what it cost line by line, what arrived where, and every state change with its time.
/// The destination is masked. (An inclusion proof against a signed checkpoint is added by the verifiable-log feature.)
/// </summary>
public sealed record ReceiptResponse(
    string ReceiptVersion,
    Guid TransactionId,
    string Status,
    Guid HolderId,
    string ProviderId,
    string ProviderName,
    bool Sandbox,
    string Method,
    MoneyDto Gross,
    IReadOnlyList<FeeLineDto> Fees,
    MoneyDto TotalFee,
    string MidMarketRate,
    string AppliedRate,
    int FxSpreadBps,
    MoneyDto Net,
    string EffectiveCostPercent,
    string DestinationKind,
    string DestinationMasked,
    string DestinationCountry,
    string? ProviderRef,
    string? FailureReason,
    IReadOnlyList<CashoutEventDto> Timeline,
    string IssuedAt);

public static class CashoutEndpoints
{
    public static RouteGroupBuilder MapCashouts(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/cashouts").WithTags("Cash-outs").RequireAuthorization(Policies.Operator);
        g.MapPost("/", Create);
        g.MapGet("/", List);
        g.MapGet("/{id:guid}", Get);
        g.MapGet("/{id:guid}/events", Events);
        g.MapGet("/{id:guid}/receipt", Receipt);
        g.MapGet("/{id:guid}/receipt/verifiable", VerifiableReceipt);
        return v1;
    }

    /// <summary>
    /// Requests a cash-out against a locked quote to a destination. Requires an <c>Idempotency-Key</c> header: a replay
    /// returns the original cash-out (200); the same key with another body is 409. Approved → 201 (funds held, sent to
    /// the provider through the outbox); rejected by a check → 422 with the cash-out id and every check's reason.
    /// </summary>
    private static async Task<Results<Created<CashoutResponse>, Ok<CashoutResponse>, ProblemHttpResult>> Create(
        CashoutRequestBody body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CashoutService cashouts, Core.Security.ActivityLog activity, HttpContext http)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return Problems.Result("idempotency.key_missing", "Send an Idempotency-Key header (for example a UUID) so a retry cannot pay twice.", "Idempotency-Key", http);
        }

        if (body.HolderId is not { } holder || body.QuoteId is not { } quote || body.DestinationId is not { } destination)
        {
            return Problems.Result("cashout.fields_missing", "holder_id, quote_id and destination_id are required.", body.HolderId is null ? "holder_id" : body.QuoteId is null ? "quote_id" : "destination_id", http);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"v1|{holder}|{quote}|{destination}|{body.ProviderId}"));
        var result = await cashouts.Request(new CashoutCommand(new HolderId(holder), new QuoteId(quote), new DestinationId(destination), body.ProviderId),
            idempotencyKey, hash, http.RequestAborted);
        if (!result.TryGet(out var r, out var err))
        {
            return Problems.Result(err, http);
        }

        if (!r.Replayed)
        {
            await activity.CashoutRequested(r.Cashout, Core.Security.ClientInfo.OperatorApi, http.RequestAborted);
        }

        var dto = CashoutResponse.From(r.Cashout, r.Replayed);
        if (r.Cashout.State == CashoutState.Rejected)
        {
            var p = Problems.Create(new Error("cashout.rejected", $"The cash-out was rejected: {r.Cashout.FailureReason}."), 422, http);
            p.Extensions["cashout"] = dto;
            return TypedResults.Problem(p);
        }

        return r.Replayed ? TypedResults.Ok(dto) : TypedResults.Created($"/v1/cashouts/{r.Cashout.Id}", dto);
    }

    private static async Task<Ok<ListResponse<CashoutResponse>>> List([FromQuery(Name = "holder_id")] Guid? holderId, string? cursor, int? limit, IStore store, HttpContext http)
    {
        var page = await store.ReadAsync(r => r.ListCashouts(holderId is { } h ? new HolderId(h) : null, cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<CashoutResponse>(page.Items.Select(c => CashoutResponse.From(c)).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<CashoutResponse>, ProblemHttpResult>> Get(Guid id, IStore store, HttpContext http)
    {
        var c = await store.ReadAsync(r => r.GetCashout(new CashoutId(id)), http.RequestAborted);
        return c is null ? Problems.Result("cashout.not_found", "No such cash-out.", http: http) : TypedResults.Ok(CashoutResponse.From(c));
    }

    private static async Task<Results<Ok<IReadOnlyList<CashoutEventDto>>, ProblemHttpResult>> Events(Guid id, IStore store, HttpContext http)
    {
        var events = await store.ReadAsync(async r => await r.GetCashout(new CashoutId(id)) is null ? null : await r.ListCashoutEvents(new CashoutId(id)), http.RequestAborted);
        return events is null
            ? Problems.Result("cashout.not_found", "No such cash-out.", http: http)
            : TypedResults.Ok<IReadOnlyList<CashoutEventDto>>(events.Select(e => new CashoutEventDto(e.State.ToWire(), e.Reason, Wire.Time(e.At))).ToList());
    }

    /// <summary>
    /// The ledger side of a cash-out as verifiable receipts (docs/verifiable-ledger.md): one per transfer it made so
    /// far (hold, then post and fee, or void, or the reversals of a return), each with its inclusion proof and a
    /// signed checkpoint, checkable offline with <c>smallchange verify receipt</c>.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> VerifiableReceipt(Guid id, IStore store, Core.Audit.CheckpointService checkpoints, HttpContext http)
    {
        var c = await store.ReadAsync(r => r.GetCashout(new CashoutId(id)), http.RequestAborted);
        if (c is null)
        {
            return Problems.Result("cashout.not_found", "No such cash-out.", http: http);
        }

        var bundle = await Core.Audit.CashoutReceipts.For(checkpoints, c, http.RequestAborted);
        return TypedResults.Text(bundle.ToJson(), "application/json");
    }

    private static async Task<Results<Ok<ReceiptResponse>, ProblemHttpResult>> Receipt(Guid id, IStore store, TimeProvider clock, HttpContext http)
    {
        var data = await store.ReadAsync(async r =>
        {
            var c = await r.GetCashout(new CashoutId(id));
            return c is null ? default : (c, await r.GetDestination(c.Destination), await r.ListCashoutEvents(c.Id));
        }, http.RequestAborted);
        if (data.c is not { } c || data.Item2 is not { } d)
        {
            return Problems.Result("cashout.not_found", "No such cash-out.", http: http);
        }

        var o = QuoteOptionDto.From(c.Option);
        return TypedResults.Ok(new ReceiptResponse("1", c.Id.Value, c.State.ToWire(), c.Holder.Value, c.ProviderId, c.Option.ProviderName, c.Option.Sandbox,
            c.Method.ToWireName(), MoneyDto.From(c.Gross), o.Fees, MoneyDto.From(c.Fee), o.MidMarketRate, o.AppliedRate, o.FxSpreadBps, MoneyDto.From(c.Net),
            o.EffectiveCostPercent, Destinations.DestinationResponse.KindName(d.Kind), d.Masked, d.Country, c.ProviderRef, c.FailureReason,
            data.Item3.Select(e => new CashoutEventDto(e.State.ToWire(), e.Reason, Wire.Time(e.At))).ToList(), Wire.Time(clock.GetUtcNow())));
    }
}
