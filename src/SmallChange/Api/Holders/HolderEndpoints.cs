using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Api.Sources;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Http;

namespace SmallChange.Api.Holders;

/// <summary>A new holder. <see cref="Name"/> is personal data: <see cref="ToString"/> redacts it.</summary>
public sealed record CreateHolderRequest(string? ExternalRef, string? Name, string? Country)
{
    public override string ToString() => $"CreateHolderRequest {{ ExternalRef = {ExternalRef}, Name = [redacted], Country = {Country} }}";
}

public sealed record HolderResponse(Guid Id, string ExternalRef, string Name, string Country, string Status, int KycTier, string CreatedAt)
{
    public static HolderResponse From(Holder h) =>
        new(h.Id.Value, h.ExternalRef, h.Name.Value, h.Country, h.Status.ToString().ToLowerInvariant(), h.KycTier, Wire.Time(h.CreatedAt));

    public override string ToString() => $"HolderResponse {{ Id = {Id}, Country = {Country}, Status = {Status}, KycTier = {KycTier} }}";
}

public sealed record KycRequest(int? Tier, string? Reason = null);

/// <summary>One movement on a holder's wallet, from the holder's side: positive in, negative out.</summary>
public sealed record TransferResponse(Guid Id, long Sequence, string Kind, string Reason, string Amount, string Currency, string Direction, Guid? PendingId, Guid? Reverses, Guid? Reference, string CreatedAt);

public sealed record CurrencyBalance(string Currency, string Available, string Held, string Posted);

public sealed record SourceBalance(Guid SourceId, string Currency, string Credited, long Credits);

public sealed record BalancesResponse(Guid HolderId, IReadOnlyList<CurrencyBalance> Balances, IReadOnlyList<SourceBalance> BySource);

public static class HolderEndpoints
{
    public static RouteGroupBuilder MapHolders(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/holders").WithTags("Holders").RequireAuthorization(Policies.Operator);
        g.MapPost("/", Create);
        g.MapGet("/", List);
        g.MapGet("/{id:guid}", Get);
        g.MapGet("/{id:guid}/balances", Balances);
        g.MapPut("/{id:guid}/kyc", SetKyc);
        g.MapGet("/{id:guid}/transfers", Transfers);
        return v1;
    }

    /// <summary>
    /// Creates a holder at KYC tier 0. Idempotent by external reference: the same reference with the same content
    /// answers 200 with the original; with other content, 409.
    /// </summary>
    private static async Task<Results<Created<HolderResponse>, Ok<HolderResponse>, ProblemHttpResult>> Create(
        CreateHolderRequest body, IStore store, TimeProvider clock, Core.Compliance.Cases.ComplianceChecks compliance, HttpContext http)
    {
        var reference = body.ExternalRef?.Trim();
        if (string.IsNullOrEmpty(reference) || reference.Length > 128 || reference.Any(char.IsControl))
        {
            return Problems.Result("holder.external_ref_invalid", "external_ref is required: 1 to 128 characters without control characters.", "external_ref", http);
        }

        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            return Problems.Result("holder.name_invalid", "name is required: 1 to 200 characters without control characters.", "name", http);
        }

        var country = body.Country?.Trim().ToUpperInvariant();
        if (country is null || !Core.Destinations.CountryCodes.All.Contains(country))
        {
            return Problems.Result("holder.country_invalid", "country is an ISO 3166-1 alpha-2 code such as KR, US or DE.", "country", http);
        }

        var holder = new Holder(HolderId.New(), reference, new PersonName(name), country, HolderStatus.Active, 0, clock.GetUtcNow());
        var alerts = await compliance.ScreenNewHolder(holder, http.RequestAborted);
        var (created, existing) = await store.WriteAsync(async tx =>
        {
            var found = await tx.FindHolderByRef(reference);
            if (found is not null)
            {
                return (false, found);
            }

            await tx.InsertHolder(holder);
            await Core.Compliance.Cases.CaseService.File(tx, holder.Id, alerts, holder.CreatedAt);
            return (true, holder);
        }, http.RequestAborted);
        if (created)
        {
            return TypedResults.Created($"/v1/holders/{holder.Id}", HolderResponse.From(holder));
        }

        return existing.Name.Value == name && existing.Country == country
            ? TypedResults.Ok(HolderResponse.From(existing))
            : Problems.Result("holder.conflict", "A holder with this external_ref exists with different details.", "external_ref", http);
    }

    private static async Task<Ok<ListResponse<HolderResponse>>> List(IStore store, string? cursor, int? limit, HttpContext http)
    {
        var page = await store.ReadAsync(r => r.ListHolders(cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<HolderResponse>(page.Items.Select(HolderResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<HolderResponse>, ProblemHttpResult>> Get(Guid id, IStore store, HttpContext http)
    {
        var holder = await store.ReadAsync(r => r.GetHolder(new HolderId(id)), http.RequestAborted);
        return holder is null ? Problems.Result("holder.not_found", "No such holder.", http: http) : TypedResults.Ok(HolderResponse.From(holder));
    }

    /// <summary>
    /// Sets the holder's KYC tier directly (0: receive only; 1: verified identity; 2: enhanced due diligence): an operator
    /// override of the review (<c>POST /v1/holders/{id}/kyc</c>), recorded in the KYC history with the key and the reason.
    /// </summary>
    private static async Task<Results<Ok<HolderResponse>, ProblemHttpResult>> SetKyc(Guid id, KycRequest body, Core.Compliance.Kyc.KycService kyc, HttpContext http)
    {
        if (body.Tier is not { } tier)
        {
            return Problems.Result("kyc.tier_invalid", "tier is 0, 1 or 2.", "tier", http);
        }

        var r = await kyc.SetTier(new HolderId(id), tier, Api.Kyc.KycEndpoints.Actor(http.User), body.Reason, http.RequestAborted);
        return r.TryGet(out var h, out var err) ? TypedResults.Ok(HolderResponse.From(h)) : Problems.Result(err, http);
    }

    /// <summary>The movements on the holder's wallet in one currency, newest first, with cursor pagination.</summary>
    private static async Task<Results<Ok<ListResponse<TransferResponse>>, ProblemHttpResult>> Transfers(
        Guid id, string? currency, string? cursor, int? limit, IStore store, HttpContext http)
    {
        if (Core.Money.Currencies.Find(currency) is not { } c)
        {
            return Problems.Result(currency is null ? "currency.missing" : "currency.unknown", "Name the wallet with ?currency=USD (a configured ISO code).", "currency", http);
        }

        var holderId = new HolderId(id);
        var page = await store.ReadAsync<(bool Found, Account? Wallet, Page<Transfer> Transfers)>(async r =>
        {
            if (await r.GetHolder(holderId) is null)
            {
                return (false, null, new Page<Transfer>([], null));
            }

            var w = await r.FindAccount(AccountKey.Wallet(holderId, c));
            return (true, w, w is null ? new Page<Transfer>([], null) : await r.ListTransfers(w.Id, cursor, Paging.Limit(limit)));
        }, http.RequestAborted);
        var (found, wallet, transfers) = page;
        if (!found)
        {
            return Problems.Result("holder.not_found", "No such holder.", http: http);
        }

        var items = transfers.Items.Select(t =>
        {
            var incoming = wallet is not null && t.CreditAccount == wallet.Id;
            return new TransferResponse(t.Id.Value, t.Sequence, t.Kind switch
            {
                TransferKind.Pending => "hold",
                TransferKind.PostPending => "post",
                TransferKind.VoidPending => "void",
                _ => "single",
            }, t.Reason, (incoming ? t.Money : -t.Money).ToDecimalString(), t.Currency.Code, incoming ? "in" : "out",
                t.PendingId?.Value, t.Reverses?.Value, t.Reference, Wire.Time(t.CreatedAt));
        }).ToList();
        return TypedResults.Ok(new ListResponse<TransferResponse>(items, transfers.NextCursor));
    }

    private static async Task<Results<Ok<BalancesResponse>, ProblemHttpResult>> Balances(Guid id, IStore store, HttpContext http)
    {
        var holderId = new HolderId(id);
        var result = await store.ReadAsync(async r =>
        {
            if (await r.GetHolder(holderId) is null)
            {
                return null;
            }

            var wallets = await r.ListAccounts(AccountKind.HolderWallet, holderId.Value);
            var totals = await r.CreditTotals(holderId);
            return new BalancesResponse(
                id,
                wallets.Select(w => new CurrencyBalance(w.Currency.Code, w.Available.ToDecimalString(), w.Held.ToDecimalString(), w.Posted.ToDecimalString())).ToList(),
                totals.Select(t => new SourceBalance(t.Source.Value, t.Currency,
                    new Core.Money.Money(t.Units, Core.Money.Currencies.Find(t.Currency)!).ToDecimalString(), t.Count)).ToList());
        }, http.RequestAborted);
        return result is null ? Problems.Result("holder.not_found", "No such holder.", http: http) : TypedResults.Ok(result);
    }
}
