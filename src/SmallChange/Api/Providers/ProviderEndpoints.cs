using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Providers.Trust;
using SmallChange.Http;

namespace SmallChange.Api.Providers;

public sealed record LicenceDto(string Regulator, string Number, string Jurisdiction, string Expires, bool Valid);

public sealed record OfferingDto(
    string Method,
    IReadOnlyList<string> SourceCurrencies,
    IReadOnlyList<string> PayoutCurrencies,
    IReadOnlyList<string> Countries,
    IReadOnlyDictionary<string, string> FlatFee,
    int PercentBps,
    IReadOnlyDictionary<string, string> MinFee,
    IReadOnlyDictionary<string, string> MaxFee,
    int FxSpreadBps,
    string TypicalArrival,
    string WorstArrival);

/// <summary>One reason the trust score is lower: code, points taken off, whether it suspends on its own, and the figures.</summary>
public sealed record TrustReasonDto(string Code, int Points, bool Suspends, string Detail);

/// <summary>How the provider's cash-outs ended in the trust window; the rates are judged only from <c>min_outcomes</c> on.</summary>
public sealed record OutcomesDto(int WindowDays, int Paid, int Failed, int Returned, int MinOutcomes, bool RatesJudged);

/// <summary>
/// A provider: status (active, suspended, unverified) as decided by configuration and the trust rules, the trust score
/// 0–100 with its reasons, whether it is quotable now and the reasons that keep it from being (<c>flags</c>), its
/// licences, outcomes and offerings.
/// </summary>
public sealed record ProviderDto(
    string Id,
    string Name,
    string Rail,
    bool Sandbox,
    bool Verified,
    string Status,
    string ConfiguredStatus,
    string? StatusNote,
    int TrustScore,
    IReadOnlyList<TrustReasonDto> TrustReasons,
    bool Quotable,
    IReadOnlyList<string> Flags,
    IReadOnlyList<LicenceDto> Licences,
    OutcomesDto Outcomes,
    IReadOnlyList<OfferingDto> Offerings)
{
    public static ProviderDto From(Provider p, ProviderTrust trust, TrustPolicy policy, DateTimeOffset now)
    {
        static Dictionary<string, string> Map(IReadOnlyDictionary<Core.Money.Currency, Core.Money.Money> m) =>
            m.ToDictionary(kv => kv.Key.Code, kv => kv.Value.ToDecimalString());
        var o = trust.Outcomes;
        return new ProviderDto(p.Id, p.Name, p.Rail, p.Sandbox, p.Verified, trust.Status.ToWireName(), trust.ConfiguredStatus.ToWireName(), p.StatusNote,
            trust.Score, trust.Reasons.Select(r => new TrustReasonDto(r.Code, r.Points, r.Suspends, r.Detail)).ToList(),
            trust.IsQuotable, trust.Eligibility.Reasons,
            p.Licences.Select(l => new LicenceDto(l.Regulator, l.Number, l.Jurisdiction, l.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), l.IsValidAt(now))).ToList(),
            new OutcomesDto((int)policy.OutcomeWindow.TotalDays, o.Paid, o.Failed, o.Returned, policy.MinOutcomes, trust.RatesJudged),
            p.Offerings.Select(x => new OfferingDto(x.Method.ToWireName(), x.SourceCurrencies.Select(c => c.Code).ToList(), x.PayoutCurrencies.Select(c => c.Code).ToList(),
                x.AllCountries ? ["*"] : x.Countries.ToList(), Map(x.Fees.Flat), x.Fees.PercentBps, Map(x.Fees.Minimum), Map(x.Fees.Maximum), x.Fees.FxSpreadBps,
                System.Xml.XmlConvert.ToString(x.Speed.Typical), System.Xml.XmlConvert.ToString(x.Speed.Worst))).ToList());
    }
}

public static class ProviderEndpoints
{
    /// <summary>The provider trust rules over stored outcomes, used by quoting, cash-outs and this API.</summary>
    public static IServiceCollection AddProviderTrust(this IServiceCollection services) =>
        services.AddSingleton(sp => new ProviderTrustService(sp.GetRequiredService<IStore>(), sp.GetRequiredService<PayoutSetup>().Catalog, sp.GetRequiredService<TimeProvider>()));

    public static RouteGroupBuilder MapProviders(this RouteGroupBuilder v1)
    {
        v1.MapGet("/providers", List).WithTags("Providers").RequireAuthorization(Policies.AnyKey);
        return v1;
    }

    /// <summary>
    /// Every configured provider with its status, trust score and reasons, licences, outcomes, fee schedules and speeds,
    /// and whether it is quotable now (and why not). The outcomes are read fresh for this answer.
    /// </summary>
    private static async Task<Results<Ok<Sources.ListResponse<ProviderDto>>, ProblemHttpResult>> List(
        ProviderTrustService trust, TimeProvider clock, string? cursor, int? limit, HttpContext http)
    {
        var now = clock.GetUtcNow();
        var list = (await trust.EvaluateAll(http.RequestAborted))
            .Select(x => ProviderDto.From(x.Provider, x.Trust, trust.Catalog.Trust, now))
            .OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

        // The catalogue is small and lives in configuration; the cursor is the last provider id seen.
        var after = 0;
        if (cursor is not null)
        {
            var bytes = new byte[Math.Min(cursor.Length, 256)];
            if (cursor.Length <= 256 && Convert.TryFromBase64String(cursor, bytes, out var n))
            {
                var last = System.Text.Encoding.UTF8.GetString(bytes, 0, n);
                after = list.FindIndex(p => p.Id == last) + 1;
            }

            if (after == 0)
            {
                return Problems.Result("cursor.invalid", "The cursor is not one this API issued.", "cursor", http);
            }
        }

        var size = Sources.Paging.Limit(limit);
        var page = list.Skip(after).Take(size).ToList();
        var next = after + size < list.Count ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(page[^1].Id)) : null;
        return TypedResults.Ok(new Sources.ListResponse<ProviderDto>(page, next));
    }
}
