namespace SmallChange.Core.Tests.Providers;

using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Tests.Quotes;
using static SmallChange.Core.Tests.Quotes.QuoteTestData;

public class ProviderCatalogTests
{
    [Fact]
    public void Parse_ShippedConfig_HasAtLeastTwoQuotableRealProvidersPerMethod()
    {
        var catalog = ShippedCatalog();

        foreach (var method in PayoutMethods.All)
        {
            var quotable = catalog.QuotableFor(method, Now).Where(p => !p.Sandbox).ToList();
            Assert.True(quotable.Count >= 2, $"{method}: only {quotable.Count} quotable providers");
        }
    }

    [Fact]
    public void Parse_ShippedConfig_HasOneQuotableSandboxProviderPerMethod()
    {
        var catalog = ShippedCatalog();

        var expected = new Dictionary<PayoutMethod, string>
        {
            [PayoutMethod.BankTransfer] = "sandbox-bank",
            [PayoutMethod.DigitalWallet] = "sandbox-wallet",
            [PayoutMethod.PrepaidCard] = "sandbox-card",
            [PayoutMethod.Crypto] = "sandbox-crypto",
        };
        foreach (var (method, id) in expected)
        {
            var p = catalog.Find(id);
            Assert.NotNull(p);
            Assert.True(p.Sandbox);
            Assert.StartsWith("Sandbox ", p.Name, StringComparison.Ordinal);
            Assert.NotNull(p.OfferingFor(method));
            Assert.True(p.IsQuotable(Now));
        }
    }

    [Fact]
    public void Parse_ShippedConfig_EveryProviderIsSandboxRoutedAndOneHasAnExpiredLicence()
    {
        var catalog = ShippedCatalog();

        Assert.All(catalog.Providers, p => Assert.Equal("sandbox", p.Rail));
        var expired = catalog.Providers.Where(p => p.Eligibility(Now).Reasons.Contains(ProviderReasons.LicenceExpired)).ToList();
        Assert.Single(expired);
        Assert.All(catalog.Providers.Where(p => !p.Sandbox).SelectMany(p => p.Licences), l => Assert.False(string.IsNullOrWhiteSpace(l.Regulator)));
    }

    [Fact]
    public void Parse_ShippedConfig_ParsesFeesAndDurations()
    {
        var northwind = ShippedCatalog().Find("northwind-payouts")!;
        var offering = northwind.OfferingFor(PayoutMethod.BankTransfer)!;

        Assert.Equal(Usd("0.50"), offering.Fees.FlatFor(Currencies.USD));
        Assert.Equal(Krw("500"), offering.Fees.FlatFor(Currencies.KRW));
        Assert.Equal(30, offering.Fees.PercentBps);
        Assert.Equal(50, offering.Fees.FxSpreadBps);
        Assert.Equal(TimeSpan.FromHours(4), offering.Speed.Typical);
        Assert.Equal(TimeSpan.FromDays(2), offering.Speed.Worst);
        Assert.Equal(Usd("1.00"), offering.Limits.For(Currencies.USD)!.MinPerPayout);
        Assert.Equal(5, offering.Limits.DailyCount);
    }

    [Fact]
    public void Parse_ShippedFxRates_HasEveryConfiguredCurrency()
    {
        var rates = ShippedRates();

        Assert.Equal(Currencies.USD, rates.Base);
        Assert.All(Currencies.All, c => Assert.True(rates.MidMarket(Currencies.USD, c).IsOk, c.Code));
    }

    [Fact]
    public void Parse_DurationInMinutes_Parsed()
    {
        var json = CatalogJson(Provider("p1")).Replace("\"typical\": \"PT1H\"", "\"typical\": 90", StringComparison.Ordinal);

        var catalog = ProviderCatalog.Parse(json);

        Assert.True(catalog.IsOk, catalog.Error?.ToString());
        Assert.Equal(TimeSpan.FromMinutes(90), catalog.Value.Providers[0].Offerings[0].Speed.Typical);
    }

    [Theory]
    [InlineData("providers.unknown_currency", "offerings[0].source_currencies[0]", "XYZ")]
    [InlineData("providers.negative_fee", "offerings[0].fees.flat.USD", """{ "flat": { "USD": "-0.50" } }""")]
    [InlineData("providers.negative_fee", "offerings[0].fees.percent_bps", """{ "percent_bps": -5 }""")]
    [InlineData("providers.min_above_max", "offerings[0].fees.min.USD", """{ "min": { "USD": "2.00" }, "max": { "USD": "1.00" } }""")]
    [InlineData("providers.invalid_value", "offerings[0].fees.flat.USD", """{ "flat": { "USD": 0.5 } }""")]
    [InlineData("providers.invalid_value", "offerings[0].fees.activation", """{ "activation": { "USD": "1.00" } }""")]
    [InlineData("providers.unknown_field", "offerings[0].fees.flat_fee", """{ "flat_fee": { "USD": "1.00" } }""")]
    [InlineData("providers.unknown_currency", "offerings[0].fees.flat.ABC", """{ "flat": { "ABC": "1.00" } }""")]
    [InlineData("providers.invalid_value", "offerings[0].fees.flat.USD", """{ "flat": { "USD": "0.0000001" } }""")]
    public void Parse_BadFeeOrCurrency_ErrorNamesProviderAndField(string code, string field, string feesOrSource)
    {
        var json = feesOrSource.StartsWith('{')
            ? CatalogJson(Provider("acme-pay", fees: feesOrSource))
            : CatalogJson(Provider("acme-pay", sources: feesOrSource, fees: "{}"));

        var r = ProviderCatalog.Parse(json);

        Assert.False(r.IsOk);
        Assert.Equal(code, r.Error!.Code);
        Assert.Equal("providers[0]." + field, r.Error.Field);
        Assert.Contains("'acme-pay'", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FeeMapMissingASourceCurrency_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", sources: "USD,EUR", fees: """{ "flat": { "USD": "0.50" } }""")));

        Assert.Equal("providers.missing_field", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].fees.flat.EUR", r.Error.Field);
    }

    [Fact]
    public void Parse_MinPerPayoutAboveMax_Error()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "50", "max_per_payout": "10" } } }""";

        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", limits: limits)));

        Assert.Equal("providers.min_above_max", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].limits.per_currency.USD.min_per_payout", r.Error.Field);
    }

    [Fact]
    public void Parse_LimitsMissingForASourceCurrency_Error()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "10" } } }""";

        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", sources: "USD,KRW", fees: "{}", limits: limits)));

        Assert.Equal("providers.missing_field", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].limits.per_currency.KRW", r.Error.Field);
    }

    [Fact]
    public void Parse_TypicalLaterThanWorst_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", typical: "P3D", worst: "P1D")));

        Assert.Equal("providers.min_above_max", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].speed.typical", r.Error.Field);
    }

    [Fact]
    public void Parse_BadDuration_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", typical: "two hours")));

        Assert.Equal("providers.invalid_value", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].speed.typical", r.Error.Field);
    }

    [Theory]
    [InlineData("P91D")]
    [InlineData("-PT1H")]
    public void Parse_ArrivalOutOfRange_Error(string worst)
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", typical: "PT1M", worst: worst)));

        Assert.Equal("providers.invalid_value", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].speed.worst", r.Error.Field);
    }

    [Fact]
    public void Parse_UnknownMethod_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", method: "cash_in_envelope")));

        Assert.Equal("providers.unknown_method", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].method", r.Error.Field);
    }

    [Fact]
    public void Parse_BadCountry_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", countries: "Germany")));

        Assert.Equal("providers.invalid_value", r.Error!.Code);
        Assert.Equal("providers[0].offerings[0].countries[0]", r.Error.Field);
    }

    [Fact]
    public void Parse_BadExpiryDate_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", expires: "31/12/2028")));

        Assert.Equal("providers.invalid_value", r.Error!.Code);
        Assert.Equal("providers[0].licences[0].expires", r.Error.Field);
    }

    [Fact]
    public void Parse_DuplicateProviderId_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay"), Provider("acme-pay")));

        Assert.Equal("providers.duplicate", r.Error!.Code);
        Assert.Equal("providers[1].id", r.Error.Field);
    }

    [Fact]
    public void Parse_IdNotASlug_Error()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("Acme Pay")));

        Assert.Equal("providers.invalid_value", r.Error!.Code);
        Assert.Equal("providers[0].id", r.Error.Field);
    }

    [Fact]
    public void Parse_MissingField_Error()
    {
        var json = CatalogJson(Provider("acme-pay")).Replace("\"verified\": true,", string.Empty, StringComparison.Ordinal);

        var r = ProviderCatalog.Parse(json);

        Assert.Equal("providers.missing_field", r.Error!.Code);
        Assert.Equal("providers[0].verified", r.Error.Field);
    }

    [Fact]
    public void Parse_InvalidJson_Error()
    {
        var r = ProviderCatalog.Parse("{ \"providers\": [ ");

        Assert.Equal("providers.invalid_json", r.Error!.Code);
    }

    [Fact]
    public void Parse_NegativeSpread_ParsesSoItCanBeFlagged()
    {
        var r = ProviderCatalog.Parse(CatalogJson(Provider("acme-pay", fees: """{ "flat": { "USD": "0.10" }, "fx_spread_bps": -20 }""")));

        Assert.True(r.IsOk, r.Error?.ToString());
        Assert.Equal(-20, r.Value.Providers[0].Offerings[0].Fees.FxSpreadBps);
    }
}
