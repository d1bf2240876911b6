using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Api.Sources;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Security;
using SmallChange.Http;

namespace SmallChange.Api.Destinations;

public sealed record CreateDestinationRequest(
    string? Kind,
    string? Country,
    string? Currency,
    string? AccountHolderName,
    string? Iban,
    string? Bic,
    string? BankCode,
    string? RoutingNumber,
    string? AccountNumber,
    string? Email,
    string? Phone,
    string? CardNumber,
    string? Network,
    string? Address,
    string? Asset)
{
    /// <summary>Account numbers, names and addresses are personal data: only the shape is shown.</summary>
    public override string ToString() => $"CreateDestinationRequest {{ Kind = {Kind}, Country = {Country}, Currency = {Currency}, Network = {Network}, Asset = {Asset}, [redacted] }}";
}

/// <summary>
/// A destination as shown: masked, never the full account number. <c>status</c> is <c>cooling</c> until <c>usable_at</c>
/// (the cooling-off of a new destination), then <c>active</c>; or <c>cancelled</c>.
/// </summary>
public sealed record DestinationResponse(Guid Id, Guid HolderId, string Kind, string Method, string Format, string Country, string Currency, string Masked, string? Network, string? Asset, string CreatedAt)
{
    public string? Status { get; init; }

    public string? UsableAt { get; init; }

    public string? CancelledAt { get; init; }

    public static DestinationResponse From(Destination d) => new(
        d.Id.Value, d.Holder.Value, KindName(d.Kind), d.Method.ToWireName(), d.SubType, d.Country, d.Currency.Code, d.Masked, d.Network, d.Asset, Wire.Time(d.CreatedAt));

    public static DestinationResponse From(Destination d, DestinationState? s, DateTimeOffset now) => From(d) with
    {
        Status = s?.StatusAt(now).ToString().ToLowerInvariant(),
        UsableAt = s is null ? null : Wire.Time(s.UsableAt),
        CancelledAt = s?.CancelledAt is { } c ? Wire.Time(c) : null,
    };

    public static string KindName(DestinationKind k) => k switch
    {
        DestinationKind.BankAccount => "bank_account",
        DestinationKind.DigitalWallet => "digital_wallet",
        DestinationKind.PrepaidCard => "prepaid_card",
        _ => "crypto",
    };

    public static DestinationKind? ParseKind(string? s) => s switch
    {
        "bank_account" => DestinationKind.BankAccount,
        "digital_wallet" => DestinationKind.DigitalWallet,
        "prepaid_card" => DestinationKind.PrepaidCard,
        "crypto" => DestinationKind.Crypto,
        _ => null,
    };
}

public static class DestinationEndpoints
{
    public static RouteGroupBuilder MapDestinations(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/holders/{holderId:guid}/destinations").WithTags("Destinations").RequireAuthorization(Policies.Operator);
        g.MapPost("/", Create);
        g.MapGet("/", List);
        g.MapGet("/{id:guid}", Get);
        g.MapPost("/{id:guid}/cancel", Cancel);
        return v1;
    }

    /// <summary>Adds a payout destination after validating its format (IBAN checksum, bank account shape, e-mail/phone, card Luhn, crypto checksums).</summary>
    /// <remarks>
    /// A new destination cools off (its holder's jurisdiction profile, 24 h by default) before it can receive a payout;
    /// the holder is alerted and the activity log records it.
    /// </remarks>
    private static async Task<Results<Created<DestinationResponse>, ProblemHttpResult>> Create(
        Guid holderId, CreateDestinationRequest body, CashoutService cashouts, ActivityLog activity, IStore store, TimeProvider clock, HttpContext http)
    {
        if (DestinationResponse.ParseKind(body.Kind) is not { } kind)
        {
            return Problems.Result("destination.kind", "kind is bank_account, digital_wallet, prepaid_card or crypto.", "kind", http);
        }

        var input = new DestinationInput
        {
            Kind = kind,
            Country = body.Country,
            AccountHolderName = body.AccountHolderName,
            Iban = body.Iban,
            Bic = body.Bic,
            BankCode = body.BankCode,
            RoutingNumber = body.RoutingNumber,
            AccountNumber = body.AccountNumber,
            Email = body.Email,
            Phone = body.Phone,
            CardNumber = body.CardNumber,
            Network = body.Network,
            Address = body.Address,
            Asset = body.Asset,
        };
        var result = await cashouts.AddDestination(new HolderId(holderId), input, body.Currency, http.RequestAborted);
        if (!result.TryGet(out var d, out var err))
        {
            return Problems.Result(err, http);
        }

        await activity.DestinationAdded(d, ClientInfo.OperatorApi, http.RequestAborted);
        var state = await store.ReadAsync(r => r.GetDestinationState(d.Id), http.RequestAborted);
        return TypedResults.Created($"/v1/holders/{holderId}/destinations/{d.Id}", DestinationResponse.From(d, state, clock.GetUtcNow()));
    }

    /// <summary>Cancels a destination for the holder (for example while it cools off): no payout goes to it afterwards.</summary>
    private static async Task<Results<Ok<DestinationResponse>, ProblemHttpResult>> Cancel(
        Guid holderId, Guid id, CashoutService cashouts, ActivityLog activity, IStore store, TimeProvider clock, HttpContext http)
    {
        var result = await cashouts.CancelDestination(new HolderId(holderId), new DestinationId(id), http.RequestAborted);
        if (!result.TryGet(out var state, out var err))
        {
            return Problems.Result(err, http);
        }

        var d = (await store.ReadAsync(r => r.GetDestination(new DestinationId(id)), http.RequestAborted))!;
        await activity.DestinationCancelled(d, ClientInfo.OperatorApi, http.RequestAborted);
        return TypedResults.Ok(DestinationResponse.From(d, state, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<ListResponse<DestinationResponse>>, ProblemHttpResult>> List(Guid holderId, string? cursor, int? limit, IStore store, TimeProvider clock, HttpContext http)
    {
        var data = await store.ReadAsync(async r =>
            await r.GetHolder(new HolderId(holderId)) is null
                ? default
                : (await r.ListDestinations(new HolderId(holderId), cursor, Paging.Limit(limit)), (await r.ListDestinationStates(new HolderId(holderId))).ToDictionary(s => s.Destination)),
            http.RequestAborted);
        var now = clock.GetUtcNow();
        return data.Item1 is not { } page
            ? Problems.Result("holder.not_found", "No such holder.", http: http)
            : TypedResults.Ok(new ListResponse<DestinationResponse>(page.Items.Select(d => DestinationResponse.From(d, data.Item2.GetValueOrDefault(d.Id), now)).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<DestinationResponse>, ProblemHttpResult>> Get(Guid holderId, Guid id, IStore store, TimeProvider clock, HttpContext http)
    {
        var (d, state) = await store.ReadAsync(async r => (await r.GetDestination(new DestinationId(id)), await r.GetDestinationState(new DestinationId(id))), http.RequestAborted);
        return d is null || d.Holder.Value != holderId
            ? Problems.Result("destination.not_found", "No such destination.", http: http)
            : TypedResults.Ok(DestinationResponse.From(d, state, clock.GetUtcNow()));
    }
}
