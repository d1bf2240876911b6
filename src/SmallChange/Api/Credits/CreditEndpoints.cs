using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Money;
using SmallChange.Http;

namespace SmallChange.Api.Credits;

public sealed record CreditItem(string? SourceRef, Guid? HolderId, string? HolderRef, DecimalText? Amount, string? Currency, DateTimeOffset? OccurredAt);

/// <summary>A single credit: the item fields plus, for operator keys, the source it is booked for.</summary>
public sealed record CreditRequest(Guid? SourceId, string? SourceRef, Guid? HolderId, string? HolderRef, DecimalText? Amount, string? Currency, DateTimeOffset? OccurredAt);

public sealed record BatchCreditRequest(Guid? SourceId, bool Linked, CreditItem[]? Items);

public sealed record CreditResponse(Guid SourceId, string SourceRef, Guid HolderId, string Amount, string Currency, string OccurredAt, Guid TransferId, string CreatedAt, string Status)
{
    public static CreditResponse From(Credit c, string status) => From(c, status, new WireTimes());

    /// <summary>As <see cref="From(Credit, string)"/>, reusing the text of instants repeated across a batch.</summary>
    internal static CreditResponse From(Credit c, string status, WireTimes times) => new(
        c.Source.Value, c.SourceRef, c.Holder.Value, c.Amount.ToDecimalString(), c.Amount.Currency.Code, times.Format(c.OccurredAt), c.TransferId.Value, times.Format(c.CreatedAt), status);
}

/// <summary>
/// Formats instants for the wire, remembering the last two: in a batch every credit has the same created_at and
/// usually the same occurred_at, and formatting was a tenth of the time spent building a batch response.
/// </summary>
internal sealed class WireTimes
{
    private (DateTimeOffset At, string Text)? _a;
    private (DateTimeOffset At, string Text)? _b;

    public string Format(DateTimeOffset at)
    {
        if (_a is { } a && a.At == at)
        {
            return a.Text;
        }

        if (_b is { } b && b.At == at)
        {
            return b.Text;
        }

        var text = Wire.Time(at);
        _b = _a;
        _a = (at, text);
        return text;
    }
}

public sealed record BatchItemResult(int Index, string Status, CreditResponse? Credit, string? Code, string? Message, string? Field);

public sealed record BatchCreditResponse(bool Linked, bool Applied, int Created, int Exists, int Failed, IReadOnlyList<BatchItemResult> Results);

public static class CreditEndpoints
{
    public static RouteGroupBuilder MapCredits(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/credits").WithTags("Credits").RequireAuthorization(Policies.AnyKey);
        g.MapPost("/", Single);
        g.MapPost("/batch", Batch);
        return v1;
    }

    /// <summary>
    /// One credit. 201 when created, 200 for a replay of the same source_ref and content, 409 for other content.
    /// Concurrent single credits share store transactions (<see cref="CreditBatcher"/>); the answer comes after the commit.
    /// </summary>
    private static async Task<Results<Created<CreditResponse>, Ok<CreditResponse>, ProblemHttpResult>> Single(
        CreditRequest body, CreditBatcher credits, TimeProvider clock, HttpContext http)
    {
        if (ResolveSource(body.SourceId, http) is not { } source)
        {
            return SourceProblem(body.SourceId, http);
        }

        var parsed = Parse(new CreditItem(body.SourceRef, body.HolderId, body.HolderRef, body.Amount, body.Currency, body.OccurredAt), clock.GetUtcNow());
        if (!parsed.TryGet(out var command, out var error))
        {
            return Problems.Result(error, http);
        }

        var o = await credits.Submit(source, command, http.RequestAborted);
        return o.Status switch
        {
            CreditOutcomeStatus.Created => TypedResults.Created($"/v1/sources/{o.Credit!.Source}/credit?source_ref={Uri.EscapeDataString(o.Credit.SourceRef)}", CreditResponse.From(o.Credit, "created")),
            CreditOutcomeStatus.Exists => TypedResults.Ok(CreditResponse.From(o.Credit!, "exists")),
            _ => Problems.Result(o.Error!, http),
        };
    }

    /// <summary>
    /// Up to 10,000 credits. Each item is applied on its own (bad items rejected with a reason, good ones applied),
    /// or with <c>linked: true</c> all or none. Always a result per item, in order.
    /// </summary>
    private static async Task<Results<Ok<BatchCreditResponse>, ProblemHttpResult>> Batch(
        BatchCreditRequest body, CreditService credits, TimeProvider clock, HttpContext http)
    {
        if (ResolveSource(body.SourceId, http) is not { } source)
        {
            return SourceProblem(body.SourceId, http);
        }

        if (body.Items is not { } items || items.Length == 0)
        {
            return Problems.Result("batch.empty", "items must hold at least one credit.", "items", http);
        }

        if (items.Length > CreditService.MaxBatch)
        {
            return Problems.Result("batch.too_large", $"A batch has at most {CreditService.MaxBatch} items; this one has {items.Length}.", "items", http);
        }

        var now = clock.GetUtcNow();
        var results = new BatchItemResult?[items.Length];
        var commands = new List<CreditCommand>(items.Length);
        var indexes = new List<int>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var parsed = items[i] is null
                ? new Error("credit.item_missing", "The item is null.")
                : Parse(items[i], now);
            if (parsed.TryGet(out var cmd, out var err))
            {
                commands.Add(cmd);
                indexes.Add(i);
            }
            else
            {
                results[i] = new BatchItemResult(i, "rejected", null, err.Code, err.Message, err.Field);
            }
        }

        var linkedFailed = body.Linked && indexes.Count < items.Length;
        if (commands.Count > 0 && !linkedFailed)
        {
            var r = await credits.Apply(source, commands, body.Linked, http.RequestAborted, announce: items.Length - commands.Count);
            if (!r.TryGet(out var outcomes, out var error))
            {
                return Problems.Result(error, http);
            }

            var times = new WireTimes();
            for (var k = 0; k < outcomes.Count; k++)
            {
                var o = outcomes[k];
                var i = indexes[k];
                results[i] = o.Status switch
                {
                    CreditOutcomeStatus.Created => new BatchItemResult(i, "created", CreditResponse.From(o.Credit!, "created", times), null, null, null),
                    CreditOutcomeStatus.Exists => new BatchItemResult(i, "exists", CreditResponse.From(o.Credit!, "exists", times), null, null, null),
                    CreditOutcomeStatus.Conflict => new BatchItemResult(i, "conflict", null, o.Error!.Code, o.Error.Message, o.Error.Field),
                    CreditOutcomeStatus.LinkedEventFailed => new BatchItemResult(i, "linked_event_failed", null, o.Error!.Code, o.Error.Message, null),
                    _ => new BatchItemResult(i, "rejected", null, o.Error!.Code, o.Error.Message, o.Error.Field),
                };
            }
        }

        var list = new BatchItemResult[results.Length];
        int created = 0, exists = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var result = list[i] = results[i] ?? new BatchItemResult(i, "linked_event_failed", null, "batch.linked_event_failed", "Another item of this linked batch failed; nothing was written.", null);
            created += result.Status == "created" ? 1 : 0;
            exists += result.Status == "exists" ? 1 : 0;
        }

        var failed = list.Length - created - exists;
        return TypedResults.Ok(new BatchCreditResponse(body.Linked, !body.Linked || failed == 0, created, exists, failed, list));
    }

    private static SourceId? ResolveSource(Guid? requested, HttpContext http)
    {
        var caller = Caller.From(http.User);
        if (caller.IsOperator)
        {
            return requested is { } r ? new SourceId(r) : null;
        }

        // A source key credits only its own source.
        return requested is null || caller.Source == new SourceId(requested.Value) ? caller.Source : null;
    }

    private static ProblemHttpResult SourceProblem(Guid? requested, HttpContext http) =>
        Caller.From(http.User).IsOperator && requested is null
            ? Problems.Result("source.required", "An operator key must name source_id.", "source_id", http)
            : Problems.Result("source.not_found", "No such source.", "source_id", http);

    /// <summary>Turns wire fields into a command, or the first thing wrong with them.</summary>
    internal static Result<CreditCommand> Parse(CreditItem item, DateTimeOffset now)
    {
        if (item.Currency is null)
        {
            return new Error("currency.missing", "currency is required.", "currency");
        }

        if (Currencies.Find(item.Currency) is not { } currency)
        {
            return new Error("currency.unknown", "Unknown currency code.", "currency");
        }

        if (item.Amount is not { } amountText)
        {
            return new Error("amount.invalid", "amount is required.", "amount");
        }

        var amount = Money.ParsePositive(amountText.Text, currency);
        if (!amount.TryGet(out var money, out var err))
        {
            return err;
        }

        if (item.HolderId is null && string.IsNullOrEmpty(item.HolderRef))
        {
            return new Error("holder.missing", "holder_id or holder_ref is required.", "holder_id");
        }

        if (item.HolderId is not null && !string.IsNullOrEmpty(item.HolderRef))
        {
            return new Error("holder.ambiguous", "Send holder_id or holder_ref, not both.", "holder_ref");
        }

        return new CreditCommand(item.SourceRef ?? "", new HolderRef(item.HolderId is { } h ? new HolderId(h) : null, item.HolderRef),
            money, item.OccurredAt ?? now, OccurredAtGiven: item.OccurredAt is not null);
    }
}
