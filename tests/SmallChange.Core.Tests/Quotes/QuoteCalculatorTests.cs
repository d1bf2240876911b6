namespace SmallChange.Core.Tests.Quotes;

using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using static SmallChange.Core.Tests.Quotes.QuoteTestData;

public class QuoteCalculatorTests
{
    // ---- fee arithmetic -------------------------------------------------------------------------------------

    [Fact]
    public void Calculate_FlatPlusPercentage_FeeLinesTotalAndNet()
    {
        var catalog = Catalog(Provider("acme-pay", fees: """{ "flat": { "USD": "0.50" }, "percent_bps": 30 }"""));

        var option = Assert.Single(Quote(catalog, Request(Usd("10.00"))).Options);

        Assert.Equal([new FeeLine(FeeKind.Flat, Usd("0.50")), new FeeLine(FeeKind.Percentage, Usd("0.03"), 30)], option.Fees);
        Assert.Equal(Usd("0.53"), option.TotalFee);
        Assert.Equal(Usd("9.47"), option.AmountConverted);
        Assert.Equal(Usd("9.47"), option.Net);
        Assert.Equal(FxRate.One, option.MidMarketRate);
        Assert.Equal(0, option.FxSpreadBps);
        Assert.Equal(530, option.EffectiveCostBps);
    }

    [Fact]
    public void Calculate_FeeBelowMinimum_MinimumAdjustmentRaisesItToTheMinimum()
    {
        var fees = """{ "flat": { "USD": "0.05" }, "percent_bps": 250, "min": { "USD": "0.25" } }""";
        var option = Assert.Single(Quote(Catalog(Provider("kestrel", fees: fees)), Request(Usd("5.00"))).Options);

        Assert.Equal(
            [new FeeLine(FeeKind.Flat, Usd("0.05")), new FeeLine(FeeKind.Percentage, Usd("0.125"), 250), new FeeLine(FeeKind.MinimumAdjustment, Usd("0.075"))],
            option.Fees);
        Assert.Equal(Usd("0.25"), option.TotalFee);
        Assert.Equal(Usd("4.75"), option.Net);
        Assert.Equal(500, option.EffectiveCostBps);
    }

    [Fact]
    public void Calculate_FeeAboveMaximum_MaximumAdjustmentLowersItToTheMaximum()
    {
        var fees = """{ "flat": { "USD": "0.50" }, "percent_bps": 30, "max": { "USD": "25.00" } }""";
        var option = Assert.Single(Quote(Catalog(Provider("northwind", fees: fees)), Request(Usd("10000"))).Options);

        Assert.Equal(new FeeLine(FeeKind.MaximumAdjustment, Usd("-5.50")), option.Fees[^1]);
        Assert.Equal(Usd("25.00"), option.TotalFee);
        Assert.Equal(Usd("9975.00"), option.Net);
        Assert.Equal(25, option.EffectiveCostBps);
    }

    [Fact]
    public void Calculate_PercentageOfKrw_RoundsUpToTheLedgerUnit()
    {
        // 1001 KRW × 0.33 % = 3.3033 KRW → 3.31 (KRW ledger unit 0.01): the fee is never under-charged.
        var catalog = Catalog(Provider("hanbit", sources: "KRW", payouts: "KRW", fees: """{ "percent_bps": 33 }"""));

        var option = Assert.Single(Quote(catalog, Request(Krw("1001"), country: "KR")).Options);

        Assert.Equal([new FeeLine(FeeKind.Percentage, Krw("3.31"), 33)], option.Fees);
        Assert.Equal(Krw("997.69"), option.AmountConverted);
        Assert.Equal(Krw("997"), option.Net);
        Assert.Equal(Krw("0.69"), option.ConversionRoundingLoss);
        Assert.Equal(40, option.EffectiveCostBps); // 4 / 1001 = 39.96 bps, rounded up
    }

    [Fact]
    public void Calculate_PercentageOfJpy_RoundsUpToTheLedgerUnit()
    {
        // 1001 JPY × 0.33 % = 3.3033 JPY → 3.304 (JPY ledger unit 0.001).
        var catalog = Catalog(Provider("ember", sources: "JPY", payouts: "JPY", fees: """{ "percent_bps": 33 }"""));

        var option = Assert.Single(Quote(catalog, Request(Jpy("1001"), country: "JP")).Options);

        Assert.Equal(Jpy("3.304"), option.TotalFee);
        Assert.Equal(Jpy("997"), option.Net);
    }

    [Fact]
    public void Calculate_NewPrepaidCard_ActivationAndMonthlyFees()
    {
        var catalog = Catalog(PrepaidCard());

        var option = Assert.Single(Quote(catalog, Request(Usd("20.00"))).Options);

        Assert.Equal([new FeeLine(FeeKind.Activation, Usd("2.95")), new FeeLine(FeeKind.Monthly, Usd("0.99"))], option.Fees);
        Assert.Equal(Usd("16.06"), option.Net);
    }

    [Fact]
    public void Calculate_ActiveCardFirstPayoutOfTheMonth_MonthlyFeeOnly()
    {
        var request = Request(Usd("20.00")) with { Usage = [Usage("cobalt-card", today: 0, month: 0, active: true)] };

        var option = Assert.Single(Quote(Catalog(PrepaidCard()), request).Options);

        Assert.Equal([new FeeLine(FeeKind.Monthly, Usd("0.99"))], option.Fees);
    }

    [Fact]
    public void Calculate_ActiveCardLaterInTheMonth_NoCardFees()
    {
        var request = Request(Usd("20.00")) with { Usage = [Usage("cobalt-card", today: 1, month: 3, active: true)] };

        var option = Assert.Single(Quote(Catalog(PrepaidCard()), request).Options);

        Assert.Empty(option.Fees);
        Assert.Equal(Usd("20.00"), option.Net);
        Assert.Equal(0, option.EffectiveCostBps);
    }

    // ---- ISO rounding of gross and net ----------------------------------------------------------------------

    [Fact]
    public void Calculate_SubCentAmount_GrossRoundedDownAndRemainderReported()
    {
        var draft = Quote(Catalog(Provider("acme-pay")), Request(Usd("10.123456")));

        Assert.Equal(Usd("10.123456"), draft.Requested);
        Assert.Equal(Usd("10.12"), draft.Gross);
        Assert.Equal(Usd("0.003456"), draft.Remainder);
        Assert.Equal(Usd("10.12"), Assert.Single(draft.Options).Gross);
        Assert.Equal(Usd("9.62"), draft.Options[0].Net);
    }

    [Fact]
    public void Calculate_FractionalWon_GrossWholeWonAndRemainderReported()
    {
        var catalog = Catalog(Provider("hanbit", sources: "KRW", payouts: "KRW", fees: """{ "flat": { "KRW": "300" } }"""));

        var draft = Quote(catalog, Request(Krw("9345.67"), country: "KR"));

        Assert.Equal(Krw("9345"), draft.Gross);
        Assert.Equal(Krw("0.67"), draft.Remainder);
        Assert.Equal(Krw("9045"), Assert.Single(draft.Options).Net);
    }

    [Fact]
    public void Calculate_UsdToEur_NetRoundedDownToCentsAndCostRoundedUp()
    {
        var catalog = Catalog(Provider("northwind", payouts: "EUR", fees: """{ "flat": { "USD": "0.50" }, "fx_spread_bps": 50 }"""));

        var option = Assert.Single(Quote(catalog, Request(Usd("10.00"), Currencies.EUR)).Options);

        // 9.50 × 0.8655 × 0.995 = 8.18113875 EUR → 8.181138 (ledger) → 8.18 (cents).
        Assert.Equal(Usd("9.50"), option.AmountConverted);
        Assert.Equal(FxRate.Parse("0.8655").Value, option.MidMarketRate);
        Assert.Equal(FxRate.Parse("0.8655").Value.LessSpread(50), option.AppliedRate);
        Assert.Equal(50, option.FxSpreadBps);
        Assert.Equal(Usd("0.0475"), option.FxSpreadCost);
        Assert.Equal(Eur("8.18"), option.Net);
        Assert.Equal(Eur("0.001138"), option.ConversionRoundingLoss);
        Assert.Equal(Usd("9.451184"), option.NetValueAtMidMarket); // 8.18 / 0.8655, rounded down
        Assert.Equal(549, option.EffectiveCostBps); // 548.816 bps, rounded up
    }

    [Fact]
    public void Calculate_UsdToKrw_NetInWholeWon()
    {
        var catalog = Catalog(Provider("hanbit", payouts: "KRW", fees: """{ "flat": { "USD": "0.25" }, "fx_spread_bps": 40 }"""));

        var option = Assert.Single(Quote(catalog, Request(Usd("10.00"), Currencies.KRW, "KR")).Options);

        // 9.75 × 1412.5 × 0.996 = 13 716.7875 KRW → 13 716.78 (ledger) → 13 716 won.
        Assert.Equal(Krw("13716"), option.Net);
        Assert.Equal(Krw("0.78"), option.ConversionRoundingLoss);
        Assert.Equal(Usd("9.710442"), option.NetValueAtMidMarket);
        Assert.Equal(290, option.EffectiveCostBps);
    }

    [Fact]
    public void Calculate_JpyToUsd_FeesInYenNetInCents()
    {
        var fees = """{ "flat": { "JPY": "60" }, "percent_bps": 30, "fx_spread_bps": 50 }""";
        var catalog = Catalog(Provider("northwind", sources: "JPY", payouts: "USD", fees: fees));

        var option = Assert.Single(Quote(catalog, Request(Jpy("1500"), Currencies.USD, "US")).Options);

        Assert.Equal([new FeeLine(FeeKind.Flat, Jpy("60")), new FeeLine(FeeKind.Percentage, Jpy("4.5"), 30)], option.Fees);
        Assert.Equal(Usd("9.40"), option.Net); // 1435.5 / 151.80 × 0.995 = 9.409239…
        Assert.Equal(Jpy("1426.92"), option.NetValueAtMidMarket);
        Assert.Equal(488, option.EffectiveCostBps); // 73.08 / 1500 = 487.2 bps, rounded up
    }

    // ---- cheapest and fastest --------------------------------------------------------------------------------

    [Fact]
    public void Calculate_CheapSlowAndDearFast_MarksCheapestAndFastest()
    {
        var catalog = Catalog(
            Provider("fast-dear", fees: """{ "flat": { "USD": "1.00" } }""", typical: "PT5M", worst: "PT1H"),
            Provider("slow-cheap", fees: """{ "flat": { "USD": "0.10" } }""", typical: "P2D", worst: "P5D"));

        var draft = Quote(catalog, Request(Usd("50.00")));

        Assert.Equal(["slow-cheap", "fast-dear"], draft.Options.Select(o => o.ProviderId));
        Assert.Equal("slow-cheap", draft.Cheapest!.ProviderId);
        Assert.Equal("fast-dear", draft.Fastest!.ProviderId);
        Assert.Single(draft.Options, o => o.IsCheapest);
        Assert.Single(draft.Options, o => o.IsFastest);
        Assert.Equal(Now.AddMinutes(5), draft.Fastest.ArrivesTypically);
        Assert.Equal(Now.AddHours(1), draft.Fastest.ArrivesAtLatest);
    }

    [Fact]
    public void Calculate_EqualNet_CheapestIsTheFasterOne()
    {
        var catalog = Catalog(Provider("b-slow", typical: "PT2H"), Provider("a-slower", typical: "PT3H"), Provider("c-fast", typical: "PT1H"));

        var draft = Quote(catalog, Request(Usd("20.00")));

        Assert.Equal("c-fast", draft.Cheapest!.ProviderId);
        Assert.Equal("c-fast", draft.Fastest!.ProviderId);
    }

    [Fact]
    public void Calculate_EqualSpeed_FastestIsTheCheaperOne()
    {
        var catalog = Catalog(
            Provider("dear", fees: """{ "flat": { "USD": "0.90" } }""", typical: "PT1H"),
            Provider("cheap", fees: """{ "flat": { "USD": "0.20" } }""", typical: "PT1H"));

        Assert.Equal("cheap", Quote(catalog, Request(Usd("20.00"))).Fastest!.ProviderId);
    }

    // ---- wait advice -----------------------------------------------------------------------------------------

    [Fact]
    public void Calculate_CostAboveTarget_WaitAdviceWithSmallestAmountAndDate()
    {
        // Flat 0.50: cost ≤ 3 % needs 0.50 / A ≤ 0.03, so A ≥ 16.67 (16.66 costs 301 bps).
        var request = Request(Usd("5.00")) with { EarningRatePerDay = Usd("1.00") };

        var draft = Quote(Catalog(Provider("acme-pay")), request);

        Assert.Equal(1000, draft.Cheapest!.EffectiveCostBps);
        var wait = Assert.IsType<WaitAdvice>(draft.Wait);
        Assert.Equal(Usd("16.67"), wait.TargetAmount);
        Assert.Equal(Usd("11.67"), wait.Shortfall);
        Assert.Equal("acme-pay", wait.ProviderId);
        Assert.Equal(PayoutMethod.BankTransfer, wait.Method);
        Assert.Equal(300, wait.EffectiveCostBps);
        Assert.Equal(Now.AddSeconds(1_008_288), wait.ProjectedAt); // 11.67 days
    }

    [Fact]
    public void Calculate_WaitTarget_IsTheFirstAmountWithinTarget()
    {
        var catalog = Catalog(Provider("acme-pay"));
        var draft = Quote(catalog, Request(Usd("5.00")) with { TargetMaxCostBps = 100 });
        var target = draft.Wait!.TargetAmount;

        var curve = QuoteCalculator.CostCurve(
            new CostCurveRequest(Currencies.USD, Currencies.USD, "DE", PayoutMethod.BankTransfer, [target - Usd("0.01"), target], Now),
            catalog,
            Rates).Value;

        Assert.Equal(Usd("50.00"), target);
        Assert.True(curve[0].Points[0].EffectiveCostBps > 100);
        Assert.True(curve[0].Points[1].EffectiveCostBps <= 100);
    }

    [Fact]
    public void Calculate_NoEarningRate_AdviceWithoutDate()
    {
        var draft = Quote(Catalog(Provider("acme-pay")), Request(Usd("5.00")));

        Assert.NotNull(draft.Wait);
        Assert.Null(draft.Wait.ProjectedAt);
    }

    [Fact]
    public void Calculate_CostWithinTarget_NoAdvice()
    {
        Assert.Null(Quote(Catalog(Provider("acme-pay")), Request(Usd("100.00"))).Wait);
    }

    [Fact]
    public void Calculate_TargetUnreachableWithinLimits_NoAdvice()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "10" } } }""";

        Assert.Null(Quote(Catalog(Provider("acme-pay", limits: limits)), Request(Usd("5.00"))).Wait);
    }

    [Fact]
    public void Calculate_BalanceBelowEveryMinimum_AdviceMayComeFromAnExcludedOption()
    {
        var lowPercent = """{ "flat": { "USD": "0.01" }, "percent_bps": 10 }""";
        var minFive = """{ "per_currency": { "USD": { "min_per_payout": "5", "max_per_payout": "1000" } } }""";
        var catalog = Catalog(Provider("acme-pay"), Provider("batcher", fees: lowPercent, limits: minFive));
        var request = Request(Usd("0.004")) with { EarningRatePerDay = Usd("0.50") };

        var draft = Quote(catalog, request);

        Assert.Empty(draft.Options);
        Assert.Equal(Usd("0"), draft.Gross);
        Assert.All(draft.Excluded, e => Assert.Contains(QuoteReasons.BelowMinimum, e.Reasons));
        Assert.Equal(Usd("5.00"), draft.Wait!.TargetAmount);
        Assert.Equal("batcher", draft.Wait.ProviderId);
        Assert.Equal(Usd("4.996"), draft.Wait.Shortfall);
        Assert.Equal(Now.AddSeconds(863_309), draft.Wait.ProjectedAt); // 9.992 days = 863 308.8 s, rounded up
    }

    // ---- exclusions ------------------------------------------------------------------------------------------

    [Fact]
    public void Calculate_BelowMinimum_Excluded()
    {
        AssertExcluded(Catalog(Provider("acme-pay")), Request(Usd("0.99")), QuoteReasons.BelowMinimum);
    }

    [Fact]
    public void Calculate_AboveMaximum_Excluded()
    {
        var limits = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "100" } } }""";

        AssertExcluded(Catalog(Provider("acme-pay", limits: limits)), Request(Usd("100.01")), QuoteReasons.AboveMaximum);
    }

    [Fact]
    public void Calculate_FeesExceedAmount_Excluded()
    {
        var catalog = Catalog(Provider("acme-pay", fees: """{ "flat": { "USD": "2.00" } }"""));

        AssertExcluded(catalog, Request(Usd("1.50")), QuoteReasons.FeesExceedAmount);
    }

    [Fact]
    public void Calculate_LessThanOneCentArrives_ExcludedNetZero()
    {
        // 10 KRW ≈ USD 0.0071: nothing payable in whole cents.
        var catalog = Catalog(Provider("hanbit", sources: "KRW", payouts: "USD", fees: """{ "fx_spread_bps": 10 }"""));

        AssertExcluded(catalog, Request(Krw("10"), Currencies.USD, "US"), QuoteReasons.NetZero);
    }

    [Fact]
    public void Calculate_CurrencyAndCountryNotServed_ExcludedWithEveryReason()
    {
        var catalog = Catalog(Provider("euro-only", sources: "EUR", payouts: "EUR", countries: "FR", fees: """{ "flat": { "EUR": "0.40" } }"""));

        AssertExcluded(
            catalog,
            Request(Usd("10.00")),
            QuoteReasons.SourceCurrencyNotSupported,
            QuoteReasons.PayoutCurrencyNotSupported,
            QuoteReasons.CountryNotSupported);
    }

    [Fact]
    public void Calculate_IllegitimateProviders_ExcludedWithProviderReasons()
    {
        var highLimit = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "250000" } } }""";
        var catalog = Catalog(
            Provider("good"),
            Provider("unverified", verified: false),
            Provider("expired", expires: "2025-09-30"),
            Provider("too-good-rate", payouts: "EUR", fees: """{ "flat": { "USD": "0.10" }, "fx_spread_bps": -30 }"""),
            Provider("free-lunch", fees: "{}", limits: highLimit));

        var draft = Quote(catalog, Request(Usd("20.00")));

        Assert.Equal(["good"], draft.Options.Select(o => o.ProviderId));
        var reasons = draft.Excluded.ToDictionary(e => e.ProviderId, e => e.Reasons);
        Assert.Equal([ProviderReasons.Unverified], reasons["unverified"]);
        Assert.Equal([ProviderReasons.LicenceExpired], reasons["expired"]);
        Assert.Equal([ProviderReasons.RateBetterThanMidMarket, QuoteReasons.PayoutCurrencyNotSupported], reasons["too-good-rate"]);
        Assert.Equal([ProviderReasons.ZeroFeeHighLimit], reasons["free-lunch"]);
    }

    [Fact]
    public void Calculate_SandboxNotWanted_ExcludedSandboxProvider()
    {
        var catalog = Catalog(Provider("sandbox-bank", sandbox: true), Provider("real"));

        var draft = Quote(catalog, Request(Usd("20.00")) with { IncludeSandbox = false });

        Assert.Equal(["real"], draft.Options.Select(o => o.ProviderId));
        Assert.Equal([ProviderReasons.SandboxExcluded], Assert.Single(draft.Excluded).Reasons);
    }

    [Fact]
    public void Calculate_SandboxProvider_QuotedAndLabelled()
    {
        var option = Assert.Single(Quote(Catalog(Provider("sandbox-bank", sandbox: true)), Request(Usd("20.00"))).Options);

        Assert.True(option.Sandbox);
        Assert.Equal("sandbox", option.Rail);
    }

    [Fact]
    public void Calculate_NoRateForThePair_ExcludedRateUnavailable()
    {
        var rates = FxRateTable.Parse("""{ "base": "USD", "as_of": "2026-11-30T16:00:00Z", "rates": { "EUR": "0.8655" } }""").Value;
        var catalog = Catalog(Provider("wallet", payouts: "PHP", countries: "PH"));

        var draft = QuoteCalculator.Calculate(Request(Usd("20.00"), Currencies.PHP, "PH"), catalog, rates).Value;

        Assert.Equal([QuoteReasons.RateUnavailable], Assert.Single(draft.Excluded).Reasons);
    }

    [Fact]
    public void Calculate_StaleRatesAcrossCurrencies_ExcludedButSameCurrencyQuoted()
    {
        var catalog = Catalog(Provider("northwind", payouts: "EUR,USD"));
        var maxAge = TimeSpan.FromDays(1); // the rates are from four days before Now

        var cross = Quote(catalog, Request(Usd("20.00"), Currencies.EUR) with { MaxRateAge = maxAge });
        var same = Quote(catalog, Request(Usd("20.00")) with { MaxRateAge = maxAge });

        Assert.Equal([QuoteReasons.RatesStale], Assert.Single(cross.Excluded).Reasons);
        Assert.Single(same.Options);
    }

    [Theory]
    [InlineData(2, 2, "0", "0", QuoteReasons.DailyCount)]
    [InlineData(1, 5, "0", "0", QuoteReasons.MonthlyCount)]
    [InlineData(1, 1, "90.01", "90.01", QuoteReasons.DailyAmount)]
    [InlineData(1, 1, "0", "490.01", QuoteReasons.MonthlyAmount)]
    public void Calculate_UsageOverLimit_ExcludedWithTheLimit(int today, int month, string amountToday, string amountMonth, string reason)
    {
        var limits = """
            { "daily_count": 2, "monthly_count": 5,
              "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "100", "daily_amount": "100", "monthly_amount": "500" } } }
            """;
        var usage = new ProviderUsage("acme-pay", today, Usd(amountToday), month, Usd(amountMonth));

        AssertExcluded(Catalog(Provider("acme-pay", limits: limits)), Request(Usd("10.00")) with { Usage = [usage] }, reason);
    }

    [Fact]
    public void Calculate_UsageUnderLimit_Quoted()
    {
        var limits = """
            { "daily_count": 2, "monthly_count": 5,
              "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "100", "daily_amount": "100", "monthly_amount": "500" } } }
            """;
        var usage = new ProviderUsage("acme-pay", 1, Usd("90"), 4, Usd("490"));

        Assert.Single(Quote(Catalog(Provider("acme-pay", limits: limits)), Request(Usd("10.00")) with { Usage = [usage] }).Options);
    }

    [Fact]
    public void Calculate_MethodFilter_OnlyThatMethodListed()
    {
        var catalog = Catalog(Provider("bank"), Provider("wallet", method: "digital_wallet"), Provider("card", method: "prepaid_card"));

        var draft = Quote(catalog, Request(Usd("20.00")) with { Method = PayoutMethod.DigitalWallet });

        Assert.Equal(["wallet"], draft.Options.Select(o => o.ProviderId));
        Assert.Empty(draft.Excluded);
        Assert.Equal(PayoutMethod.DigitalWallet, draft.MethodFilter);
    }

    // ---- invalid input and overflow --------------------------------------------------------------------------

    [Fact]
    public void Calculate_InvalidRequests_Errors()
    {
        var catalog = Catalog(Provider("acme-pay"));
        Error(catalog, Request(Usd("-1")), "quote.amount_negative");
        Error(catalog, Request(Usd("1"), country: "DEU"), "quote.country_invalid");
        Error(catalog, Request(Usd("1")) with { TargetMaxCostBps = 10_001 }, "quote.target_invalid");
        Error(catalog, Request(Usd("1")) with { EarningRatePerDay = Eur("1") }, "quote.earning_rate_invalid");
        Error(catalog, Request(Usd("1")) with { EarningRatePerDay = Usd("0") }, "quote.earning_rate_invalid");
        Error(catalog, Request(Usd("1")) with { Usage = [new ProviderUsage("acme-pay", 0, Eur("1"), 0, Eur("1"))] }, "quote.usage_invalid");

        static void Error(ProviderCatalog catalog, QuoteRequest request, string code) =>
            Assert.Equal(code, QuoteCalculator.Calculate(request, catalog, Rates).Error!.Code);
    }

    [Fact]
    public void Calculate_LowerCaseCountry_Normalised()
    {
        Assert.Equal("DE", Quote(Catalog(Provider("acme-pay", countries: "DE")), Request(Usd("20"), country: "de")).DestinationCountry);
    }

    [Fact]
    public void Calculate_LargestMoneyOnShippedCatalog_NoThrowEveryOptionExcluded()
    {
        var request = Request(new Money(long.MaxValue, Currencies.USD), Currencies.PHP, "PH") with { TargetMaxCostBps = 0 };

        var draft = QuoteCalculator.Calculate(request, ShippedCatalog(), ShippedRates()).Value;

        Assert.Empty(draft.Options);
        Assert.NotEmpty(draft.Excluded);
        Assert.All(draft.Excluded, e => Assert.NotEmpty(e.Reasons));
    }

    [Fact]
    public void Calculate_ConversionOverflows_ExcludedOutOfRange()
    {
        // USD 9 trillion into PHP ledger units (10^-6) does not fit a long.
        var huge = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "9000000000000" } } }""";
        var catalog = Catalog(Provider("whale", payouts: "PHP", fees: """{ "flat": { "USD": "0.50" }, "fx_spread_bps": 10 }""", limits: huge));

        var draft = QuoteCalculator.Calculate(Request(Usd("9000000000000"), Currencies.PHP, "PH"), catalog, Rates).Value;

        Assert.Equal([QuoteReasons.OutOfRange], Assert.Single(draft.Excluded).Reasons);
    }

    [Fact]
    public void Calculate_WaitSearchOverHugeLimits_NoThrow()
    {
        var huge = """{ "per_currency": { "USD": { "min_per_payout": "1", "max_per_payout": "9000000000000" } } }""";
        var catalog = Catalog(Provider("whale", payouts: "PHP", fees: """{ "flat": { "USD": "0.50" }, "fx_spread_bps": 10 }""", limits: huge));

        var draft = QuoteCalculator.Calculate(Request(Usd("5.00"), Currencies.PHP, "PH"), catalog, Rates).Value;

        Assert.NotNull(draft.Wait); // reachable: flat 0.50 + 10 bps spread falls under 3 % at about USD 18
        Assert.True(draft.Wait.TargetAmount < Usd("20"));
    }

    // ---- shipped configuration, serialisation, cost curve -----------------------------------------------------

    [Fact]
    public void Calculate_ShippedConfigUsdToEurInGermany_QuotesSeveralAndExcludesExpiredLicence()
    {
        var draft = QuoteCalculator.Calculate(Request(Usd("25.00"), Currencies.EUR, "DE"), ShippedCatalog(), ShippedRates()).Value;

        Assert.True(draft.Options.Count >= 6);
        Assert.All(PayoutMethods.All, m => Assert.Contains(draft.Options, o => o.Method == m));
        Assert.Contains(draft.Excluded, e => e.ProviderId == "old-harbor-remit" && e.Reasons.Contains(ProviderReasons.LicenceExpired));
        Assert.All(draft.Options, o => Assert.True(o.Net.IsWholeIsoMinor));
        Assert.True(draft.Options.SequenceEqual(draft.Options.OrderByDescending(o => o.Net.Units)));
    }

    [Fact]
    public void Calculate_ShippedConfigKrwInKorea_WholeWonNet()
    {
        var draft = QuoteCalculator.Calculate(Request(Krw("50000.55"), Currencies.KRW, "KR"), ShippedCatalog(), ShippedRates()).Value;

        Assert.Contains(draft.Options, o => o.ProviderId == "hanbit-remit");
        Assert.Contains(draft.Options, o => o.ProviderId == "dalbit-pay");
        Assert.Equal(Krw("0.55"), draft.Remainder);
        Assert.All(draft.Options, o => Assert.Equal(0, o.Net.Units % 100));
    }

    [Fact]
    public void QuoteDraft_SerialisedWithQuoteJson_RoundTrips()
    {
        var catalog = Catalog(PrepaidCard(), Provider("northwind", payouts: "EUR", fees: """{ "flat": { "USD": "0.50" }, "fx_spread_bps": 50 }"""));
        var draft = Quote(catalog, Request(Usd("5.123"), Currencies.EUR) with { EarningRatePerDay = Usd("0.40") });

        var json = System.Text.Json.JsonSerializer.Serialize(draft, QuoteJson.Options);
        var back = System.Text.Json.JsonSerializer.Deserialize<QuoteDraft>(json, QuoteJson.Options)!;

        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(back, QuoteJson.Options));
        Assert.Equal(draft.Options[0].Net, back.Options[0].Net);
        Assert.Equal(draft.Options[0].AppliedRate, back.Options[0].AppliedRate);
        Assert.Contains("\"method\":\"bank_transfer\"", json, StringComparison.Ordinal);
        Assert.Contains("\"payout_currency\":\"EUR\"", json, StringComparison.Ordinal);
        Assert.Contains("\"mid_market_rate\":\"1731/2000\"", json, StringComparison.Ordinal);
        Assert.Contains("\"remainder\":{\"currency\":\"USD\",\"units\":3000,\"amount\":\"0.003\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void CostCurve_FlatFee_FallsWithTheAmountAndExplainsGaps()
    {
        var request = new CostCurveRequest(
            Currencies.USD, Currencies.USD, "DE", PayoutMethod.BankTransfer, [Usd("0.50"), Usd("1.00"), Usd("5.00"), Usd("100.009")], Now);

        var series = Assert.Single(QuoteCalculator.CostCurve(request, Catalog(Provider("acme-pay")), Rates).Value);

        Assert.Equal([null, 5000, 1000, 50], series.Points.Select(p => p.EffectiveCostBps));
        Assert.Equal([QuoteReasons.BelowMinimum, QuoteReasons.FeesExceedAmount], series.Points[0].Reasons);
        Assert.Equal(Usd("100.00"), series.Points[3].Gross);
    }

    [Fact]
    public void CostCurve_AmountInOtherCurrency_Error()
    {
        var request = new CostCurveRequest(Currencies.USD, Currencies.USD, "DE", PayoutMethod.BankTransfer, [Eur("1")], Now);

        Assert.Equal("quote.amount_invalid", QuoteCalculator.CostCurve(request, Catalog(Provider("acme-pay")), Rates).Error!.Code);
    }

    private static string PrepaidCard() => Provider(
        "cobalt-card",
        method: "prepaid_card",
        fees: """{ "activation": { "USD": "2.95" }, "monthly": { "USD": "0.99" } }""");

    private static ProviderUsage Usage(string provider, int today, int month, bool active) =>
        new(provider, today, Usd("0"), month, Usd("0"), active);

    private static void AssertExcluded(ProviderCatalog catalog, QuoteRequest request, params string[] reasons)
    {
        var draft = Quote(catalog, request);
        Assert.Empty(draft.Options);
        Assert.Equal(reasons, Assert.Single(draft.Excluded).Reasons);
    }
}
