using SmallChange.Core.Money;

namespace SmallChange.Core.Tests.Money;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0.003", "USD", 3_000)]
    [InlineData("12", "USD", 12_000_000)]
    [InlineData("12.50", "USD", 12_500_000)]
    [InlineData("0.000001", "USD", 1)]
    [InlineData("1500", "KRW", 150_000)]
    [InlineData("0.5", "KRW", 50)]
    [InlineData("100.125", "JPY", 100_125)]
    [InlineData("-1.5", "EUR", -1_500_000)]
    [InlineData("1.2300000", "USD", 1_230_000)]
    public void Parse_ValidText_ExactLedgerUnits(string text, string code, long units)
    {
        var m = SmallChange.Core.Money.Money.Parse(text, Currencies.Find(code)!);
        Assert.True(m.IsOk, m.Error?.ToString());
        Assert.Equal(units, m.Value.Units);
    }

    [Theory]
    [InlineData("0.0000001", "USD", "amount.too_many_decimals")]
    [InlineData("0.001", "KRW", "amount.too_many_decimals")]
    [InlineData("99999999999999999999", "USD", "amount.out_of_range")]
    [InlineData("9223372036854.775808", "USD", "amount.out_of_range")]
    [InlineData("1e3", "USD", "amount.invalid")]
    [InlineData("1,000", "USD", "amount.invalid")]
    [InlineData(" 1", "USD", "amount.invalid")]
    [InlineData(".5", "USD", "amount.invalid")]
    [InlineData("5.", "USD", "amount.invalid")]
    [InlineData("", "USD", "amount.invalid")]
    [InlineData("١٢", "USD", "amount.invalid")]
    public void Parse_BadText_ErrorCode(string text, string code, string error)
    {
        var m = SmallChange.Core.Money.Money.Parse(text, Currencies.Find(code)!);
        Assert.False(m.IsOk);
        Assert.Equal(error, m.Error!.Code);
    }

    [Theory]
    [InlineData("0", "amount.not_positive")]
    [InlineData("-0.01", "amount.not_positive")]
    public void ParsePositive_ZeroOrNegative_NotPositive(string text, string error) =>
        Assert.Equal(error, SmallChange.Core.Money.Money.ParsePositive(text, Currencies.USD).Error!.Code);

    [Theory]
    [InlineData(3_000, "USD", "0.003")]
    [InlineData(12_500_000, "USD", "12.50")]
    [InlineData(12_000_000, "USD", "12.00")]
    [InlineData(150_000, "KRW", "1500")]
    [InlineData(150_050, "KRW", "1500.5")]
    [InlineData(-1, "USD", "-0.000001")]
    [InlineData(long.MinValue, "USD", "-9223372036854.775808")]
    public void ToDecimalString_Units_InvariantTextWithIsoDigits(long units, string code, string text) =>
        Assert.Equal(text, new SmallChange.Core.Money.Money(units, Currencies.Find(code)!).ToDecimalString());

    [Fact]
    public void SplitPayable_SubCentRemainder_StaysInWallet()
    {
        var (payable, remainder) = new SmallChange.Core.Money.Money(12_345_678, Currencies.USD).SplitPayable();
        Assert.Equal(12_340_000, payable.Units);
        Assert.Equal(5_678, remainder.Units);
        Assert.True(payable.IsWholeIsoMinor);
    }

    [Fact]
    public void SplitPayable_KrwFraction_WholeWonPaid()
    {
        var (payable, remainder) = new SmallChange.Core.Money.Money(150_075, Currencies.KRW).SplitPayable();
        Assert.Equal("1500", payable.ToDecimalString());
        Assert.Equal("0.75", remainder.ToDecimalString());
    }

    [Fact]
    public void Add_DifferentCurrencies_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new SmallChange.Core.Money.Money(1, Currencies.USD) + new SmallChange.Core.Money.Money(1, Currencies.EUR));

    [Fact]
    public void Add_Overflow_Throws() =>
        Assert.Throws<OverflowException>(() => new SmallChange.Core.Money.Money(long.MaxValue, Currencies.USD) + new SmallChange.Core.Money.Money(1, Currencies.USD));

    [Fact]
    public void Currencies_EachConfigured_LedgerScaleFinerThanIsoUnit()
    {
        foreach (var code in new[] { "KRW", "USD", "EUR", "JPY" })
        {
            var c = Currencies.Find(code)!;
            Assert.True(c.LedgerScale > c.IsoMinorUnit, code);
        }

        Assert.Null(Currencies.Find("XYZ"));
        Assert.Null(Currencies.Find("usd"));
    }

    [Fact]
    public void ParseThenFormat_RoundTrips_ForRandomAmounts()
    {
        var rng = new Random(7);
        foreach (var c in Currencies.All)
        {
            for (var i = 0; i < 500; i++)
            {
                var units = rng.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
                var m = new SmallChange.Core.Money.Money(units, c);
                Assert.Equal(units, SmallChange.Core.Money.Money.Parse(m.ToDecimalString(), c).Value.Units);
            }
        }
    }
}
