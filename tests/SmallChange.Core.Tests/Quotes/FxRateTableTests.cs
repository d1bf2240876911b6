namespace SmallChange.Core.Tests.Quotes;

using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using static SmallChange.Core.Tests.Quotes.QuoteTestData;

public class FxRateTableTests
{
    [Fact]
    public void Parse_ValidTable_KeepsRatesExactly()
    {
        var rates = Rates;

        Assert.Equal(Currencies.USD, rates.Base);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero), rates.AsOf);
        Assert.Equal(FxRate.Create(1731, 2000), rates.MidMarket(Currencies.USD, Currencies.EUR).Value); // 0.8655
        Assert.Equal("1412.5", rates.MidMarket(Currencies.USD, Currencies.KRW).Value.ToDecimalString());
    }

    [Fact]
    public void MidMarket_CrossRate_DerivedExactlyThroughTheBase()
    {
        var eurKrw = Rates.MidMarket(Currencies.EUR, Currencies.KRW).Value;

        // 1412.50 / 0.8655 = 2 825 000 / 1 731, reduced.
        Assert.Equal(FxRate.Create(2_825_000, 1_731), eurKrw);
        Assert.Equal("1632.0046216", eurKrw.ToDecimalString(8));
        Assert.Equal(FxRate.One, eurKrw.Multiply(Rates.MidMarket(Currencies.KRW, Currencies.EUR).Value));
    }

    [Fact]
    public void Convert_UsdToEur_RoundsDownToTheLedgerUnit()
    {
        // 0.000001 USD × 0.8655 = 0.0000008655 EUR → 0 ledger units; 1.000001 USD → 0.8655008655 → 0.865500.
        Assert.Equal(0, Rates.Convert(new Money(1, Currencies.USD), Currencies.EUR).Value.Units);
        Assert.Equal(865_500, Rates.Convert(new Money(1_000_001, Currencies.USD), Currencies.EUR).Value.Units);
    }

    [Fact]
    public void Convert_UsdToKrw_RoundsDownToTheKrwLedgerUnit()
    {
        // 0.123457 USD × 1412.5 = 174.3830... KRW → 174.38 (KRW ledger scale 2).
        var krw = Rates.Convert(new Money(123_457, Currencies.USD), Currencies.KRW).Value;

        Assert.Equal(Krw("174.38"), krw);
    }

    [Fact]
    public void Convert_KrwToJpy_CrossRateRoundsDown()
    {
        // 10 000 KRW × 151.80 / 1412.50 = 1074.6902... JPY → 1074.690 (JPY ledger scale 3).
        Assert.Equal(Jpy("1074.690"), Rates.Convert(Krw("10000"), Currencies.JPY).Value);
    }

    [Fact]
    public void Convert_WithSpread_AppliesTheSpreadBelowMidMarket()
    {
        // 100 USD × 0.8655 × (1 − 0.0050) = 86.117250 EUR.
        Assert.Equal(Eur("86.11725"), Rates.Convert(Usd("100"), Currencies.EUR, 50).Value);
    }

    [Fact]
    public void Convert_SameCurrency_IdentityIgnoringTheSpread()
    {
        Assert.Equal(Usd("12.345678"), Rates.Convert(Usd("12.345678"), Currencies.USD, 500).Value);
    }

    [Fact]
    public void Convert_NegativeSpread_Error()
    {
        Assert.Equal("fx.invalid_spread", Rates.Convert(Usd("1"), Currencies.EUR, -1).Error!.Code);
    }

    [Fact]
    public void Convert_HugeAmount_ReturnsOverflowErrorWithoutThrowing()
    {
        var r = Rates.Convert(new Money(long.MaxValue, Currencies.USD), Currencies.PHP);

        Assert.Equal("fx.overflow", r.Error!.Code);
    }

    [Fact]
    public void Convert_HugeAmountThatFits_Converts()
    {
        // long.MaxValue USD ledger units into KRW (scale 2) shrinks: 9 223 372 036 854.775807 USD × 1412.5.
        var r = Rates.Convert(new Money(long.MaxValue, Currencies.USD), Currencies.KRW);

        Assert.True(r.IsOk);
        Assert.Equal(1_302_801_300_205_737_082, r.Value.Units);
    }

    [Fact]
    public void Convert_CurrencyWithoutRate_RateUnavailable()
    {
        var table = FxRateTable.Parse("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "EUR": "0.8655" } }""").Value;

        Assert.Equal("fx.rate_unavailable", table.Convert(Usd("1"), Currencies.PHP).Error!.Code);
        Assert.True(table.Convert(Usd("1"), Currencies.EUR).IsOk);
    }

    [Theory]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "XYZ": "1.5" } }""", "fx.unknown_currency", "rates.XYZ")]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "EUR": 0.8655 } }""", "fx.invalid_rate", "rates.EUR")]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "EUR": "0" } }""", "fx.invalid_rate", "rates.EUR")]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "EUR": "-0.8" } }""", "fx.invalid_rate", "rates.EUR")]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "USD": "1.01" } }""", "fx.invalid_rate", "rates.USD")]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27 16:00", "rates": { "EUR": "0.8655" } }""", "fx.invalid_as_of", "as_of")]
    [InlineData("""{ "base": "USD", "rates": { "EUR": "0.8655" } }""", "fx.missing_field", "as_of")]
    [InlineData("""{ "base": "ZZZ", "as_of": "2026-11-27T16:00:00Z", "rates": { } }""", "fx.unknown_currency", "base")]
    [InlineData("""{ "base": "USD", "as_of": "2026-11-27T16:00:00Z", "rates": { "EUR": "0.8655" }, "ratez": 1 }""", "fx.unknown_field", "ratez")]
    public void Parse_BadTable_ErrorNamesTheField(string json, string code, string field)
    {
        var r = FxRateTable.Parse(json);

        Assert.Equal(code, r.Error!.Code);
        Assert.Equal(field, r.Error.Field);
    }

    [Fact]
    public void Parse_NotJson_InvalidJson()
    {
        Assert.Equal("fx.invalid_json", FxRateTable.Parse("rates: 1").Error!.Code);
    }

    [Fact]
    public void FxRateParse_TooManyDecimals_Error()
    {
        Assert.Equal("fx.invalid_rate", FxRate.Parse("0.1234567890123").Error!.Code);
        Assert.Equal(FxRate.Create(1, 8), FxRate.Parse("0.125000").Value);
    }

    [Fact]
    public void LessSpread_FiftyBps_ExactFraction()
    {
        var rate = FxRate.Parse("0.8655").Value.LessSpread(50);

        // 0.8655 × 0.995 = 0.8611725
        Assert.Equal(FxRate.Create(8_611_725, 10_000_000), rate);
        Assert.True(rate < FxRate.Parse("0.8655").Value);
    }
}
