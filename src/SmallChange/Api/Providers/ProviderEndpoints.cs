using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Providers;
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

public sealed record ProviderDto(string Id, string Name, string Rail, bool Sandbox, bool Verified, bool Quotable, IReadOnlyList<string> Flags, IReadOnlyList<LicenceDto> Licences, IReadOnlyList<OfferingDto> Offerings);

public static class ProviderEndpoints
{
    public static RouteGroupBuilder MapProviders(this RouteGroupBuilder v1)
    {
        v1.MapGet("/providers", List).WithTags("Providers").RequireAuthorization(Policies.AnyKey);
        return v1;
    }

    /// <summary>Every configured provider with its licences, fee schedules, speeds and whether it is quotable now (and why not).</summary>
    private static Results<Ok<Sources.ListResponse<ProviderDto>>, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult> List(
        CashoutService cashouts, TimeProvider clock, string? cursor, int? limit, HttpContext http)
    {
        var now = clock.GetUtcNow();
        static Dictionary<string, string> Map(IReadOnlyDictionary<Core.Money.Currency, Core.Money.Money> m) =>
            m.ToDictionary(kv => kv.Key.Code, kv => kv.Value.ToDecimalString());
        var list = cashouts.Setup.Catalog.Providers.Select(p =>
        {
            var e = p.Eligibility(now);
            return new ProviderDto(p.Id, p.Name, p.Rail, p.Sandbox, p.Verified, e.IsQuotable, e.Reasons,
                p.Licences.Select(l => new LicenceDto(l.Regulator, l.Number, l.Jurisdiction, l.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), l.IsValidAt(now))).ToList(),
                p.Offerings.Select(o => new OfferingDto(o.Method.ToWireName(), o.SourceCurrencies.Select(c => c.Code).ToList(), o.PayoutCurrencies.Select(c => c.Code).ToList(),
                    o.AllCountries ? ["*"] : o.Countries.ToList(), Map(o.Fees.Flat), o.Fees.PercentBps, Map(o.Fees.Minimum), Map(o.Fees.Maximum), o.Fees.FxSpreadBps,
                    System.Xml.XmlConvert.ToString(o.Speed.Typical), System.Xml.XmlConvert.ToString(o.Speed.Worst))).ToList());
        }).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

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
