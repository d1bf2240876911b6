using System.Globalization;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Records;

/// <summary>A period of a statement: a calendar month or a tax year, in UTC, end exclusive.</summary>
public sealed record StatementPeriod(string Key, string Title, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>A month from its key <c>yyyy-MM</c> (years 2000–2999); an error for anything else.</summary>
    public static Result<StatementPeriod> Month(string? key)
    {
        if (key is not { Length: 7 } || key[4] != '-'
            || !int.TryParse(key.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(key.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year is < 2000 or > 2999 || month is < 1 or > 12)
        {
            return new Error("statement.period_invalid", "A statement month is written like 2026-03.", "period");
        }

        var from = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        return new StatementPeriod(key, from.ToString("MMMM yyyy", CultureInfo.InvariantCulture), from, from.AddMonths(1));
    }

    /// <summary>
    /// A tax year from its key <c>yyyy</c>. Tax years here are calendar years (KR, US, DE and PH, the demo's countries,
    /// tax individuals by calendar year); a jurisdiction with another tax year would need its own start.
    /// </summary>
    public static Result<StatementPeriod> TaxYear(string? key)
    {
        if (key is not { Length: 4 } || !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2999)
        {
            return new Error("statement.period_invalid", "A tax year is written like 2026.", "year");
        }

        var from = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new StatementPeriod(key, $"Tax year {key}", from, from.AddYears(1));
    }

    public static StatementPeriod MonthOf(DateTimeOffset at) =>
        Month(at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Value;

    public bool Contains(DateTimeOffset at) => at >= From && at < To;
}

/// <summary>What one source credited in the period.</summary>
public sealed record SourceIncome(SourceId Source, Money.Money Total, int Count);

/// <summary>
/// One currency's part of a statement. The lines add up: <c>Closing = Opening + Income − CashedOut + Returned</c>.
/// <see cref="FeesPaid"/>, <see cref="PaidOutNet"/> and <see cref="PaidCount"/> cover the cash-outs of the period that
/// were paid; <see cref="InProgress"/> the gross of those still on their way (approved, held, submitted).
/// </summary>
public sealed record CurrencyStatement(
    Currency Currency,
    Money.Money Opening,
    IReadOnlyList<SourceIncome> Income,
    Money.Money IncomeTotal,
    Money.Money CashedOut,
    Money.Money Returned,
    Money.Money Closing,
    int PaidCount,
    Money.Money PaidOutGross,
    Money.Money FeesPaid,
    Money.Money PaidOutNet,
    Money.Money InProgress);

/// <summary>A statement of a period (a month, or a tax year's summary): per currency, and the period's entries oldest first.</summary>
public sealed record Statement(StatementPeriod Period, IReadOnlyList<CurrencyStatement> Currencies, IReadOnlyList<HistoryEntry> Entries)
{
    /// <summary>Builds the statement of <paramref name="period"/> from the holder's whole history.</summary>
    public static Statement For(RecordBook book, StatementPeriod period) => For(PeriodRecords.From(book, period));

    /// <summary>Builds the statement of a period from what was read of it.</summary>
    public static Statement For(PeriodRecords records)
    {
        var period = records.Period;
        var entries = records.Book.Entries.Where(e => period.Contains(e.At)).Reverse().ToList();
        var returnedCashouts = records.Cashouts.Where(c => c is { State: CashoutState.Returned, HoldTransfer: not null } && period.Contains(c.UpdatedAt)).ToList();
        var currencies = records.Opening.Keys.Concat(records.Closing.Keys).Concat(entries.Select(e => e.Currency)).Concat(returnedCashouts.Select(c => c.Gross.Currency))
            .Distinct().OrderBy(c => c.Code, StringComparer.Ordinal);
        var parts = new List<CurrencyStatement>();
        foreach (var currency in currencies)
        {
            var opening = records.Opening.GetValueOrDefault(currency, Money.Money.Zero(currency));
            var closing = records.Closing.GetValueOrDefault(currency, Money.Money.Zero(currency));
            var mine = entries.Where(e => e.Currency == currency).ToList();
            var returned = Sum(currency, returnedCashouts.Where(c => c.Gross.Currency == currency).Select(c => c.Gross));
            if (mine.Count == 0 && opening.IsZero && closing.IsZero && returned.IsZero)
            {
                continue;
            }

            var income = mine.Where(e => e.Credit is not null).GroupBy(e => e.Credit!.Source)
                .Select(g => new SourceIncome(g.Key, Sum(currency, g.Select(e => e.Amount)), g.Count()))
                .OrderByDescending(s => s.Total.Units).ToList();
            var cashouts = mine.Where(e => e.Cashout is not null).Select(e => e.Cashout!).ToList();
            var cashedOut = Sum(currency, cashouts.Where(c => c.HoldTransfer is not null && c.State != CashoutState.Failed).Select(c => c.Gross));
            var paid = cashouts.Where(c => c.State == CashoutState.Paid).ToList();
            var inProgress = Sum(currency, cashouts.Where(c => c.State is CashoutState.Approved or CashoutState.Held or CashoutState.Submitted or CashoutState.Requested).Select(c => c.Gross));
            parts.Add(new CurrencyStatement(currency, opening, income, Sum(currency, income.Select(i => i.Total)), cashedOut, returned, closing,
                paid.Count, Sum(currency, paid.Select(c => c.Gross)), Sum(currency, paid.Select(c => c.Fee)), Sum(currency, paid.Select(c => c.Net)), inProgress));
        }

        return new Statement(period, parts, entries);
    }

    /// <summary>The months in which the holder has entries, newest first.</summary>
    public static IReadOnlyList<StatementPeriod> Months(RecordBook book) =>
        book.Entries.Select(e => e.At.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Distinct()
            .Select(k => StatementPeriod.Month(k).Value).OrderByDescending(p => p.From).ToList();

    /// <summary>The months (<c>yyyy-MM</c>, as <see cref="IStoreReader.RecordMonths"/> reads them) as periods, newest first.</summary>
    public static IReadOnlyList<StatementPeriod> Months(IEnumerable<string> months) =>
        months.Distinct().Select(k => StatementPeriod.Month(k).Value).OrderByDescending(p => p.From).ToList();

    /// <summary>The tax years of those months, newest first.</summary>
    public static IReadOnlyList<StatementPeriod> TaxYears(IEnumerable<string> months) =>
        months.Select(k => k[..4]).Distinct().Select(k => StatementPeriod.TaxYear(k).Value).OrderByDescending(p => p.From).ToList();

    /// <summary>The tax years in which the holder has entries, newest first.</summary>
    public static IReadOnlyList<StatementPeriod> TaxYears(RecordBook book) =>
        book.Entries.Select(e => e.At.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture)).Distinct()
            .Select(k => StatementPeriod.TaxYear(k).Value).OrderByDescending(p => p.From).ToList();

    private static Money.Money Sum(Currency currency, IEnumerable<Money.Money> amounts) => amounts.Aggregate(Money.Money.Zero(currency), (s, m) => s + m);
}
