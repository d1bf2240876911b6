using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Http;

namespace SmallChange.Api.Quotes;

public sealed record QuoteRequestBody(
    Guid? HolderId,
    DecimalText? Amount,
    string? Currency,
    string? PayoutCurrency,
    string? Country,
    string? Method,
    int? TargetMaxCostBps,
    DecimalText? EarningRatePerDay);

public sealed record FeeLineDto(string Kind, MoneyDto Amount, int? RateBps);

public sealed record QuoteOptionDto(
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
    MoneyDto FxSpreadCost,
    MoneyDto Net,
    string EffectiveCostPercent,
    int EffectiveCostBps,
    string ArrivesTypically,
    string ArrivesAtLatest,
    bool Cheapest,
    bool Fastest)
{
    public static QuoteOptionDto From(QuoteOption o) => new(
        o.ProviderId, o.ProviderName, o.Sandbox, o.Method.ToWireName(), MoneyDto.From(o.Gross),
        o.Fees.Select(f => new FeeLineDto(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(f.Kind.ToString()), MoneyDto.From(f.Amount), f.RateBps)).ToList(),
        MoneyDto.From(o.TotalFee), o.MidMarketRate.ToDecimalString(8), o.AppliedRate.ToDecimalString(8), o.FxSpreadBps, MoneyDto.From(o.FxSpreadCost),
        MoneyDto.From(o.Net), Percent(o.EffectiveCostBps), o.EffectiveCostBps, Wire.Time(o.ArrivesTypically), Wire.Time(o.ArrivesAtLatest), o.IsCheapest, o.IsFastest);

    public static string Percent(int bps) => (bps / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record ExcludedDto(string ProviderId, string ProviderName, string Method, IReadOnlyList<string> Reasons);

public sealed record WaitDto(MoneyDto TargetAmount, MoneyDto Shortfall, string ProviderId, string Method, int EffectiveCostBps, string? ProjectedAt, string Advice);

public sealed record QuoteResponse(
    Guid Id,
    Guid HolderId,
    MoneyDto Requested,
    MoneyDto Gross,
    MoneyDto Remainder,
    string PayoutCurrency,
    string Country,
    string QuotedAt,
    string ExpiresAt,
    string RatesAsOf,
    int TargetMaxCostBps,
    string? Cheapest,
    string? Fastest,
    IReadOnlyList<QuoteOptionDto> Options,
    IReadOnlyList<ExcludedDto> Excluded,
    WaitDto? Wait)
{
    public static QuoteResponse From(StoredQuote q)
    {
        var d = q.Draft;
        return new QuoteResponse(q.Id.Value, q.Holder.Value, MoneyDto.From(d.Requested), MoneyDto.From(d.Gross), MoneyDto.From(d.Remainder),
            d.PayoutCurrency.Code, d.DestinationCountry, Wire.Time(d.QuotedAt), Wire.Time(q.ExpiresAt), Wire.Time(d.RatesAsOf), d.TargetMaxCostBps,
            d.Cheapest is { } c ? $"{c.ProviderId}/{c.Method.ToWireName()}" : null,
            d.Fastest is { } f ? $"{f.ProviderId}/{f.Method.ToWireName()}" : null,
            d.Options.Select(QuoteOptionDto.From).ToList(),
            d.Excluded.Select(e => new ExcludedDto(e.ProviderId, e.ProviderName, e.Method.ToWireName(), e.Reasons)).ToList(),
            d.Wait is { } w
                ? new WaitDto(MoneyDto.From(w.TargetAmount), MoneyDto.From(w.Shortfall), w.ProviderId, w.Method.ToWireName(), w.EffectiveCostBps,
                    w.ProjectedAt is { } p ? Wire.Time(p) : null,
                    $"Fees would take more than {QuoteOptionDto.Percent(d.TargetMaxCostBps)}% now; at {w.TargetAmount.ToDecimalString()} {w.TargetAmount.Currency.Code} " +
                    $"({w.ProviderId}, {w.Method.ToWireName()}) the cost is {QuoteOptionDto.Percent(w.EffectiveCostBps)}%" +
                    (w.ProjectedAt is { } pa ? $", which your earnings reach around {pa:yyyy-MM-dd}." : "."))
                : null);
    }
}

public static class QuoteEndpoints
{
    public static RouteGroupBuilder MapQuotes(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/quotes").WithTags("Quotes").RequireAuthorization(Policies.Operator);
        g.MapPost("/", Create);
        g.MapGet("/{id:guid}", Get);
        return v1;
    }

    /// <summary>
    /// Prices a cash-out: every eligible provider and method with its fee breakdown, FX against mid-market, net, effective
    /// cost and arrival; cheapest and fastest marked; wait advice when the cost is above the target. Locked for a few minutes.
    /// </summary>
    private static async Task<Results<Created<QuoteResponse>, ProblemHttpResult>> Create(QuoteRequestBody body, CashoutService cashouts, TimeProvider clock, HttpContext http)
    {
        if (body.HolderId is not { } holder)
        {
            return Problems.Result("holder.missing", "holder_id is required.", "holder_id", http);
        }

        if (Currencies.Find(body.Currency) is not { } currency)
        {
            return Problems.Result(body.Currency is null ? "currency.missing" : "currency.unknown", "currency (the wallet currency) must be a configured ISO code.", "currency", http);
        }

        var payout = body.PayoutCurrency is null ? currency : Currencies.Find(body.PayoutCurrency);
        if (payout is null)
        {
            return Problems.Result("currency.unknown", "payout_currency must be a configured ISO code.", "payout_currency", http);
        }

        if (body.Amount is not { } amountText)
        {
            return Problems.Result("amount.invalid", "amount is required.", "amount", http);
        }

        var amount = Money.ParsePositive(amountText.Text, currency);
        if (!amount.TryGet(out var money, out var err))
        {
            return Problems.Result(err, http);
        }

        PayoutMethod? method = null;
        if (body.Method is not null && (method = PayoutMethods.FromWireName(body.Method)) is null)
        {
            return Problems.Result("quote.method_invalid", "method is bank_transfer, digital_wallet, prepaid_card or crypto.", "method", http);
        }

        Money? earning = null;
        if (body.EarningRatePerDay is { } e)
        {
            var parsed = Money.ParsePositive(e.Text, currency, "earning_rate_per_day");
            if (!parsed.TryGet(out var rate, out err))
            {
                return Problems.Result(err, http);
            }

            earning = rate;
        }

        var request = new QuoteRequest(money, payout, (body.Country ?? "").Trim().ToUpperInvariant(), clock.GetUtcNow())
        {
            Method = method,
            TargetMaxCostBps = body.TargetMaxCostBps ?? QuoteRequest.DefaultTargetMaxCostBps,
            EarningRatePerDay = earning,
        };
        var quote = await cashouts.Quote(new HolderId(holder), request, http.RequestAborted);
        return quote.TryGet(out var q, out err)
            ? TypedResults.Created($"/v1/quotes/{q.Id}", QuoteResponse.From(q))
            : Problems.Result(err, http);
    }

    private static async Task<Results<Ok<QuoteResponse>, ProblemHttpResult>> Get(Guid id, IStore store, HttpContext http)
    {
        var q = await store.ReadAsync(r => r.GetQuote(new QuoteId(id)), http.RequestAborted);
        return q is null ? Problems.Result("quote.not_found", "No such quote.", http: http) : TypedResults.Ok(QuoteResponse.From(q));
    }
}
