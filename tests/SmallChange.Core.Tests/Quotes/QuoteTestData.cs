namespace SmallChange.Core.Tests.Quotes;

using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;

/// <summary>Small catalogues written as JSON (so the parser is exercised too) and the standard FX table.</summary>
internal static class QuoteTestData
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    public const string RatesJson = """
        {
          "base": "USD",
          "as_of": "2026-11-27T16:00:00Z",
          "rates": { "USD": "1", "EUR": "0.8655", "GBP": "0.7560", "KRW": "1412.50", "JPY": "151.80", "PHP": "58.35" }
        }
        """;

    public static FxRateTable Rates => FxRateTable.Parse(RatesJson).Value;

    public static Money Usd(string amount) => Money.Parse(amount, Currencies.USD).Value;

    public static Money Krw(string amount) => Money.Parse(amount, Currencies.KRW).Value;

    public static Money Jpy(string amount) => Money.Parse(amount, Currencies.JPY).Value;

    public static Money Eur(string amount) => Money.Parse(amount, Currencies.EUR).Value;

    /// <summary>One provider as JSON. Limits default to min 1 / max 10000 major units per source currency.</summary>
    public static string Provider(
        string id,
        string method = "bank_transfer",
        string sources = "USD",
        string payouts = "USD",
        string countries = "*",
        string fees = """{ "flat": { "USD": "0.50" } }""",
        string typical = "PT1H",
        string worst = "P1D",
        string? limits = null,
        bool verified = true,
        bool sandbox = false,
        string expires = "2028-12-31")
    {
        static string List(string csv) => string.Join(", ", csv.Split(',').Select(c => $"\"{c.Trim()}\""));
        limits ??= $$"""
            { "per_currency": { {{string.Join(", ", sources.Split(',').Select(c => $$"""
                "{{c.Trim()}}": { "min_per_payout": "1", "max_per_payout": "10000" }
                """))}} } }
            """;
        return $$"""
            {
              "id": "{{id}}", "name": "{{id}} name", "rail": "sandbox", "sandbox": {{(sandbox ? "true" : "false")}},
              "verified": {{(verified ? "true" : "false")}},
              "licences": [ { "regulator": "FCA (Electronic Money Institution)", "number": "900001", "jurisdiction": "GB", "expires": "{{expires}}" } ],
              "offerings": [ {
                "method": "{{method}}",
                "source_currencies": [ {{List(sources)}} ],
                "payout_currencies": [ {{List(payouts)}} ],
                "countries": [ {{List(countries)}} ],
                "fees": {{fees}},
                "speed": { "typical": "{{typical}}", "worst": "{{worst}}" },
                "limits": {{limits}}
              } ]
            }
            """;
    }

    public static string CatalogJson(params string[] providers) => $$"""{ "providers": [ {{string.Join(",\n", providers)}} ] }""";

    public static ProviderCatalog Catalog(params string[] providers)
    {
        var r = ProviderCatalog.Parse(CatalogJson(providers));
        Assert.True(r.IsOk, r.Error?.ToString());
        return r.Value;
    }

    public static QuoteDraft Quote(ProviderCatalog catalog, QuoteRequest request)
    {
        var r = QuoteCalculator.Calculate(request, catalog, Rates);
        Assert.True(r.IsOk, r.Error?.ToString());
        return r.Value;
    }

    public static QuoteRequest Request(Money amount, Currency? payout = null, string country = "DE") =>
        new(amount, payout ?? amount.Currency, country, Now);

    /// <summary>The repository root: the folder holding SmallChange.slnx, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmallChange.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SmallChange.slnx not found above " + AppContext.BaseDirectory);
    }

    public static ProviderCatalog ShippedCatalog()
    {
        var r = ProviderCatalog.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "config", "providers.json")));
        Assert.True(r.IsOk, r.Error?.ToString());
        return r.Value;
    }

    public static FxRateTable ShippedRates()
    {
        var r = FxRateTable.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "config", "fx-rates.json")));
        Assert.True(r.IsOk, r.Error?.ToString());
        return r.Value;
    }
}
