using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Records;

using Cash = SmallChange.Core.Money.Money;

namespace SmallChange.Core.Tests.Records;

public class RecordBookTests
{
    private static readonly HolderId Holder = HolderId.New();
    private static readonly SourceId Carrier = SourceId.New();
    private static readonly SourceId Creators = SourceId.New();
    private static readonly DateTimeOffset March1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static Cash Usd(decimal amount) => new((long)(amount * Currencies.USD.LedgerUnitsPerMajor), Currencies.USD);

    private static Credit CreditOf(SourceId source, decimal amount, DateTimeOffset at) =>
        new(source, Guid.NewGuid().ToString("N"), Holder, Usd(amount), at, TransferId.New(), at.AddMinutes(5));

    private static Cashout CashoutOf(decimal gross, decimal fee, DateTimeOffset at, CashoutState state, DateTimeOffset? updated = null)
    {
        var option = new QuoteOption("sandbox-bank", "Sandbox Bank", "sandbox", true, PayoutMethod.BankTransfer, Usd(gross), [new FeeLine(FeeKind.Flat, Usd(fee))],
            Usd(fee), Usd(gross - fee), FxRate.One, FxRate.One, 0, Usd(0), Usd(gross - fee), Usd(0), Usd(gross - fee), 100, TimeSpan.FromHours(1),
            TimeSpan.FromDays(1), at, at, true, true);
        return new Cashout(CashoutId.New(), Holder, QuoteId.New(), DestinationId.New(), "sandbox-bank", PayoutMethod.BankTransfer, state, Usd(gross), Usd(fee),
            Usd(gross - fee), option, [], state == CashoutState.Rejected ? null : TransferId.New(), null, null, at, updated ?? at.AddHours(1));
    }

    /// <summary>
    /// February: 10.00 from the carrier. March: 2.00 and 3.00 from creators, 1.50 from the carrier, a 6.00 cash-out paid
    /// (fee 0.50), a 1.00 cash-out rejected, a 2.00 cash-out returned in April. Now the wallet holds 10 + 6.5 − 6 = 10.50.
    /// </summary>
    private static RecordBook Book() => new(
        [
            CreditOf(Carrier, 10m, new DateTimeOffset(2026, 2, 10, 12, 0, 0, TimeSpan.Zero)),
            CreditOf(Creators, 2m, March1.AddDays(1).AddHours(9)),
            CreditOf(Creators, 3m, March1.AddDays(1).AddHours(18)),
            CreditOf(Carrier, 1.5m, March1.AddDays(3)),
        ],
        [
            CashoutOf(6m, 0.5m, March1.AddDays(4), CashoutState.Paid),
            CashoutOf(1m, 0.1m, March1.AddDays(5), CashoutState.Rejected),
            CashoutOf(2m, 0.2m, March1.AddDays(6), CashoutState.Returned, new DateTimeOffset(2026, 4, 2, 0, 0, 0, TimeSpan.Zero)),
        ],
        new Dictionary<Currency, Cash> { [Currencies.USD] = Usd(10.5m) });

    [Fact]
    public void Entries_CreditsAndCashouts_NewestFirst()
    {
        var book = Book();
        Assert.Equal(7, book.Entries.Count);
        Assert.True(book.Entries.Zip(book.Entries.Skip(1)).All(p => p.First.At >= p.Second.At));
        Assert.Equal(RecordKind.Cashout, book.Entries[0].Kind);
    }

    [Fact]
    public void BalanceAt_WalksBackFromTheWallet_CountsHeldAndReturnedCashouts()
    {
        var book = Book();
        Assert.Equal(Usd(10.5m), book.BalanceAt(Currencies.USD, new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(Usd(8.5m), book.BalanceAt(Currencies.USD, new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero))); // the 2.00 not back yet
        Assert.Equal(Usd(10m), book.BalanceAt(Currencies.USD, March1));
        Assert.Equal(Usd(0m), book.BalanceAt(Currencies.USD, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Daily_OnePointPerDay_BalanceAtEndAndEarnedThatDay()
    {
        var days = Book().Daily(Currencies.USD, DateOnly.FromDateTime(March1.UtcDateTime), new DateOnly(2026, 3, 7));
        Assert.Equal(7, days.Count);
        Assert.Equal(Usd(10m), days[0].Balance);
        Assert.Equal(Usd(5m), days[1].Earned);
        Assert.Equal(Usd(15m), days[1].Balance);
        Assert.Equal(Usd(16.5m), days[3].Balance);
        Assert.Equal(Usd(10.5m), days[4].Balance);
        Assert.Equal(Usd(0m), days[4].Earned);
        Assert.Equal(Usd(10.5m), days[5].Balance); // rejected: nothing left the wallet
        Assert.Equal(Usd(8.5m), days[6].Balance);
    }

    [Fact]
    public void Daily_LastBeforeFirst_Empty() =>
        Assert.Empty(Book().Daily(Currencies.USD, new DateOnly(2026, 3, 7), new DateOnly(2026, 3, 6)));

    [Fact]
    public void StatementFor_March_LinesAddUpToClosing()
    {
        var s = Statement.For(Book(), StatementPeriod.Month("2026-03").Value);
        var usd = Assert.Single(s.Currencies);
        Assert.Equal(Usd(10m), usd.Opening);
        Assert.Equal(Usd(6.5m), usd.IncomeTotal);
        Assert.Equal([Creators, Carrier], usd.Income.Select(i => i.Source));
        Assert.Equal(2, usd.Income[0].Count);
        Assert.Equal(Usd(8m), usd.CashedOut);
        Assert.Equal(Usd(0m), usd.Returned);
        Assert.Equal(Usd(8.5m), usd.Closing);
        Assert.Equal(usd.Closing, usd.Opening + usd.IncomeTotal - usd.CashedOut + usd.Returned);
        Assert.Equal(1, usd.PaidCount);
        Assert.Equal(Usd(0.5m), usd.FeesPaid);
        Assert.Equal(Usd(5.5m), usd.PaidOutNet);
        Assert.Equal(6, s.Entries.Count);
        Assert.True(s.Entries[0].At < s.Entries[^1].At);
    }

    [Fact]
    public void StatementFor_April_ShowsTheReturn()
    {
        var usd = Assert.Single(Statement.For(Book(), StatementPeriod.Month("2026-04").Value).Currencies);
        Assert.Equal(Usd(2m), usd.Returned);
        Assert.Equal(Usd(10.5m), usd.Closing);
        Assert.Equal(usd.Closing, usd.Opening + usd.IncomeTotal - usd.CashedOut + usd.Returned);
    }

    [Fact]
    public void StatementFor_TaxYear_IncomeBySourceAndFees()
    {
        var usd = Assert.Single(Statement.For(Book(), StatementPeriod.TaxYear("2026").Value).Currencies);
        Assert.Equal(Usd(11.5m), usd.Income.Single(i => i.Source == Carrier).Total);
        Assert.Equal(Usd(5m), usd.Income.Single(i => i.Source == Creators).Total);
        Assert.Equal(Usd(0.5m), usd.FeesPaid);
        Assert.Equal(Usd(0m), usd.Opening);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-3")]
    [InlineData("26-03-01")]
    [InlineData("")]
    [InlineData(null)]
    public void Month_Malformed_Error(string? key) => Assert.False(StatementPeriod.Month(key).IsOk);

    [Fact]
    public void Months_EveryMonthWithEntries_NewestFirst() =>
        Assert.Equal(["2026-03", "2026-02"], Statement.Months(Book()).Select(p => p.Key));

    [Fact]
    public void EarningRatePerDay_AveragesCreditsOfTheLastDays()
    {
        var rate = Book().EarningRatePerDay(Currencies.USD, March1.AddDays(10), days: 10);
        Assert.Equal(Usd(0.65m), rate);
        Assert.Null(Book().EarningRatePerDay(Currencies.EUR, March1.AddDays(10)));
    }

    [Fact]
    public void Filter_KindSourceAndDates_Combine()
    {
        var book = Book();
        Assert.Equal(2, book.Filter(new HistoryFilter(Kind: RecordKind.Credit, Source: Creators)).Count());
        Assert.Equal(3, book.Filter(new HistoryFilter(Kind: RecordKind.Cashout)).Count());
        Assert.Single(book.Filter(new HistoryFilter(From: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), To: March1)));
    }
}
