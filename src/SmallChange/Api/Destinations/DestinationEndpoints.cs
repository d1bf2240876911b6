using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Api.Sources;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
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
    string? Asset);

/// <summary>A destination as shown: masked, never the full account number.</summary>
public sealed record DestinationResponse(Guid Id, Guid HolderId, string Kind, string Method, string Format, string Country, string Currency, string Masked, string? Network, string? Asset, string CreatedAt)
{
    public static DestinationResponse From(Destination d) => new(
        d.Id.Value, d.Holder.Value, KindName(d.Kind), d.Method.ToWireName(), d.SubType, d.Country, d.Currency.Code, d.Masked, d.Network, d.Asset, Wire.Time(d.CreatedAt));

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
        return v1;
    }

    /// <summary>Adds a payout destination after validating its format (IBAN checksum, bank account shape, e-mail/phone, card Luhn, crypto checksums).</summary>
    private static async Task<Results<Created<DestinationResponse>, ProblemHttpResult>> Create(
        Guid holderId, CreateDestinationRequest body, CashoutService cashouts, HttpContext http)
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
        return result.TryGet(out var d, out var err)
            ? TypedResults.Created($"/v1/holders/{holderId}/destinations/{d.Id}", DestinationResponse.From(d))
            : Problems.Result(err, http);
    }

    private static async Task<Results<Ok<ListResponse<DestinationResponse>>, ProblemHttpResult>> List(Guid holderId, string? cursor, int? limit, IStore store, HttpContext http)
    {
        var page = await store.ReadAsync(async r =>
            await r.GetHolder(new HolderId(holderId)) is null ? null : await r.ListDestinations(new HolderId(holderId), cursor, Paging.Limit(limit)), http.RequestAborted);
        return page is null
            ? Problems.Result("holder.not_found", "No such holder.", http: http)
            : TypedResults.Ok(new ListResponse<DestinationResponse>(page.Items.Select(DestinationResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<DestinationResponse>, ProblemHttpResult>> Get(Guid holderId, Guid id, IStore store, HttpContext http)
    {
        var d = await store.ReadAsync(r => r.GetDestination(new DestinationId(id)), http.RequestAborted);
        return d is null || d.Holder.Value != holderId
            ? Problems.Result("destination.not_found", "No such destination.", http: http)
            : TypedResults.Ok(DestinationResponse.From(d));
    }
}
