using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;
using SmallChange.Http;

namespace SmallChange.Api.Sources;

public sealed record CreateSourceRequest(string? Name, string? Type, string[]? Currencies);

public sealed record SourceResponse(Guid Id, string Name, string Type, string[] Currencies, string CreatedAt)
{
    public static SourceResponse From(Source s) => new(s.Id.Value, s.Name, SourceTypes.ToWire(s.Type), s.Currencies.Select(c => c.Code).ToArray(), Wire.Time(s.CreatedAt));
}

/// <summary>The source and its API key, shown this once.</summary>
public sealed record CreatedSourceResponse(SourceResponse Source, string ApiKey);

public sealed record ListResponse<T>(IReadOnlyList<T> Items, string? NextCursor);

public static class SourceEndpoints
{
    public static RouteGroupBuilder MapSources(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/sources").WithTags("Sources");
        g.MapPost("/", Create).RequireAuthorization(Policies.Operator);
        g.MapGet("/", List).RequireAuthorization(Policies.Operator);
        g.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.AnyKey);
        g.MapGet("/{id:guid}/credit", GetCredit).RequireAuthorization(Policies.AnyKey);
        g.MapGet("/{id:guid}/credit/receipt", GetCreditReceipt).RequireAuthorization(Policies.AnyKey);
        return v1;
    }

    private static async Task<Results<Created<CreatedSourceResponse>, ProblemHttpResult>> Create(
        CreateSourceRequest body, IStore store, TimeProvider clock, HttpContext http)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            return Problems.Result("source.name_invalid", "name is required: 1 to 200 characters without control characters.", "name", http);
        }

        if (SourceTypes.FromWire(body.Type) is not { } type)
        {
            return Problems.Result("source.type_invalid", "type must be one of carrier_refund, creator_earnings, gift_card_credit, e_wallet, other.", "type", http);
        }

        if (body.Currencies is not { Length: > 0 } codes || codes.Length > 20)
        {
            return Problems.Result("source.currencies_invalid", "currencies must list 1 to 20 ISO codes.", "currencies", http);
        }

        var currencies = new List<Currency>();
        foreach (var code in codes.Distinct(StringComparer.Ordinal))
        {
            if (Currencies.Find(code) is not { } c)
            {
                return Problems.Result("currency.unknown", $"Unknown currency '{Trunc(code)}'. Configured: {string.Join(", ", Currencies.All.Select(x => x.Code))}.", "currencies", http);
            }

            currencies.Add(c);
        }

        var now = clock.GetUtcNow();
        var source = new Source(SourceId.New(), name, type, currencies, now);
        var key = ApiKeys.Issue(ApiKeyScope.Source, source.Id, $"source {name}", now);
        await store.WriteAsync(async tx =>
        {
            await tx.InsertSource(source);
            await tx.InsertApiKey(key.Record);
            return 0;
        }, http.RequestAborted);
        return TypedResults.Created($"/v1/sources/{source.Id}", new CreatedSourceResponse(SourceResponse.From(source), key.Plaintext));
    }

    private static async Task<Ok<ListResponse<SourceResponse>>> List(IStore store, string? cursor, int? limit, HttpContext http)
    {
        var page = await store.ReadAsync(r => r.ListSources(cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<SourceResponse>(page.Items.Select(SourceResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Get(Guid id, IStore store, HttpContext http)
    {
        var caller = Caller.From(http.User);
        var source = await store.ReadAsync(r => r.GetSource(new SourceId(id)), http.RequestAborted);
        if (source is null || !caller.MayActFor(source.Id))
        {
            return Problems.Result("source.not_found", "No such source.", http: http);
        }

        return TypedResults.Ok(SourceResponse.From(source));
    }

    /// <summary>A credit by the source's own reference, <c>?source_ref=…</c> (for the operator, or the source itself).</summary>
    private static async Task<Results<Ok<Credits.CreditResponse>, ProblemHttpResult>> GetCredit(
        Guid id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "source_ref")] string? sourceRef, IStore store, HttpContext http)
    {
        if (string.IsNullOrEmpty(sourceRef))
        {
            return Problems.Result("credit.source_ref_invalid", "Give the credit's source_ref as a query parameter.", "source_ref", http);
        }

        var caller = Caller.From(http.User);
        var source = new SourceId(id);
        var credit = caller.MayActFor(source) ? await store.ReadAsync(r => r.FindCredit(source, sourceRef), http.RequestAborted) : null;
        return credit is null ? Problems.Result("credit.not_found", "No such credit.", http: http) : TypedResults.Ok(Credits.CreditResponse.From(credit, "exists"));
    }

    /// <summary>
    /// The verifiable receipt of a credit (docs/verifiable-ledger.md): its transfer, leaf index, inclusion proof and a
    /// signed checkpoint, checkable offline with <c>smallchange verify receipt</c>.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetCreditReceipt(
        Guid id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "source_ref")] string? sourceRef, IStore store, Core.Audit.CheckpointService checkpoints, HttpContext http)
    {
        if (string.IsNullOrEmpty(sourceRef))
        {
            return Problems.Result("credit.source_ref_invalid", "Give the credit's source_ref as a query parameter.", "source_ref", http);
        }

        var source = new SourceId(id);
        var credit = Caller.From(http.User).MayActFor(source) ? await store.ReadAsync(r => r.FindCredit(source, sourceRef), http.RequestAborted) : null;
        var receipt = credit is null ? null : await checkpoints.ReceiptFor(credit.TransferId, http.RequestAborted);
        return receipt is null ? Problems.Result("credit.not_found", "No such credit.", http: http) : TypedResults.Text(receipt.ToJson(), "application/json");
    }

    internal static string Trunc(string s) => s.Length > 16 ? s[..16] + "…" : s;
}

public static class Paging
{
    public const int Default = 50;
    public const int Max = 500;

    public static int Limit(int? requested) => requested is null ? Default : Math.Clamp(requested.Value, 1, Max);
}
