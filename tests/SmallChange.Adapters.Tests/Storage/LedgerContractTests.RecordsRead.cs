using System.Globalization;
using System.Text;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Money;
using SmallChange.Core.Records;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// The bounded reads of one statement period (<see cref="PeriodRecords.Read"/>) against the whole-history computation
/// (<see cref="RecordBook"/>) over a randomised history: credits and cash-outs in several currencies, many on month and
/// year edges, cash-outs in every state (returned ones coming back in a later period), another holder's records beside.
/// </summary>
public abstract partial class LedgerContractTests
{
    private static readonly DateTimeOffset HistoryStart = new(2024, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadPeriodRecords_RandomisedHistory_EqualsTheWholeHistoryComputation()
    {
        var rng = new Random(20261122);
        var usdEur = await NewSource(Currencies.USD, Currencies.EUR);
        var krw = await NewSource(Currencies.KRW);
        var holder = await NewHolder();
        var other = await NewHolder();
        await RandomHistory(rng, holder, usdEur, krw, 160);
        await RandomHistory(rng, other, usdEur, krw, 40);

        var periods = new List<StatementPeriod>();
        for (var m = HistoryStart.AddMonths(-1); m <= Clock.GetUtcNow(); m = m.AddMonths(1))
        {
            periods.Add(StatementPeriod.MonthOf(m));
        }

        periods.AddRange(new[] { "2024", "2025", "2026", "2027" }.Select(y => StatementPeriod.TaxYear(y).Value));
        var book = await Store.ReadAsync(r => RecordBook.Load(r, holder));
        Assert.Equal(["EUR", "GBP", "KRW", "USD"], book.Currencies.Select(c => c.Code));
        var nonEmpty = 0;
        foreach (var period in periods)
        {
            var read = await Store.ReadAsync(r => PeriodRecords.Read(r, holder, period));

            // The rows: exactly the period's credits, and the cash-outs requested or returned in it.
            Assert.Equal(book.Entries.Where(e => e.Credit is not null && period.Contains(e.At)).Select(e => e.Id).Order(), read.Credits.Select(c => c.TransferId.Value).Order());
            Assert.Equal(book.Entries.Where(e => e.Cashout is { } c && (period.Contains(c.CreatedAt) || (c.State == CashoutState.Returned && period.Contains(c.UpdatedAt))))
                .Select(e => e.Id).Order(), read.Cashouts.Select(c => c.Id.Value).Order());
            Assert.All(read.Credits, c => Assert.Equal(holder, c.Holder));

            // The balances at both ends, in every currency the holder has.
            foreach (var currency in book.Currencies)
            {
                Assert.Equal(book.BalanceAt(currency, period.From), read.Opening.GetValueOrDefault(currency, Money.Zero(currency)));
                Assert.Equal(book.BalanceAt(currency, period.To), read.Closing.GetValueOrDefault(currency, Money.Zero(currency)));
            }

            var statement = Statement.For(read);
            Assert.Equal(Flat(Statement.For(book, period)), Flat(statement));
            nonEmpty += statement.Entries.Count > 0 ? 1 : 0;
        }

        Assert.True(nonEmpty >= 20, $"{nonEmpty} periods with entries");
        var months = await Store.ReadAsync(r => r.RecordMonths(holder));
        Assert.Equal(Statement.Months(book).Select(p => p.Key), Statement.Months(months).Select(p => p.Key));
        Assert.Equal(Statement.TaxYears(book).Select(p => p.Key), Statement.TaxYears(months).Select(p => p.Key));
        Assert.Equal(months.Count, months.Distinct().Count());
    }

    [Fact]
    public async Task ReadPeriodRecords_EdgesOfAMonth_StartIncludedEndExcluded()
    {
        var src = await NewSource(Currencies.USD);
        var holder = await NewHolder();
        var march = StatementPeriod.Month("2026-03").Value;
        await CreditAt(src, holder, 1_000, Currencies.USD, march.From.AddTicks(-10)); // the last microsecond of February
        await CreditAt(src, holder, 2_000, Currencies.USD, march.From);
        await CreditAt(src, holder, 4_000, Currencies.USD, march.To.AddTicks(-10));
        await CreditAt(src, holder, 8_000, Currencies.USD, march.To);

        var read = await Store.ReadAsync(r => PeriodRecords.Read(r, holder, march));

        Assert.Equal([2_000L, 4_000L], read.Credits.Select(c => c.Amount.Units).Order());
        Assert.Equal(1_000, read.Opening[Currencies.USD].Units);
        Assert.Equal(7_000, read.Closing[Currencies.USD].Units);
    }

    private async Task CreditAt(SourceId source, HolderId holder, long units, Currency currency, DateTimeOffset at)
    {
        var r = await new CreditService(Store, Accounts, Clock).Apply(source, [new CreditCommand(Guid.NewGuid().ToString("N"), new HolderRef(holder, null), new Money(units, currency), at)], linked: false);
        Assert.True(r.IsOk && r.Value[0].Status == CreditOutcomeStatus.Created, r.Error?.ToString());
    }

    /// <summary>An instant of the history, one in three on a month edge (its first second, or the last second before it).</summary>
    private DateTimeOffset RandomInstant(Random rng)
    {
        var days = (int)(Clock.GetUtcNow() - HistoryStart).TotalDays - 1;
        var at = HistoryStart.AddDays(rng.Next(days)).AddSeconds(rng.Next(86_400));
        if (rng.Next(3) == 0)
        {
            var month = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);
            at = rng.Next(2) == 0 ? month : month.AddSeconds(-1);
        }

        return at < HistoryStart ? HistoryStart : at;
    }

    private async Task RandomHistory(Random rng, HolderId holder, SourceId usdEur, SourceId krw, int count)
    {
        Currency[] currencies = [Currencies.USD, Currencies.EUR, Currencies.KRW];
        var commands = new Dictionary<SourceId, List<CreditCommand>> { [usdEur] = [], [krw] = [] };
        for (var i = 0; i < count; i++)
        {
            var currency = currencies[rng.Next(currencies.Length)];
            commands[currency == Currencies.KRW ? krw : usdEur].Add(
                new CreditCommand($"{holder.Value:N}-{i}", new HolderRef(holder, null), new Money(rng.Next(1, 5_000_000), currency), RandomInstant(rng)));
        }

        var service = new CreditService(Store, Accounts, Clock);
        foreach (var (source, items) in commands)
        {
            var r = await service.Apply(source, items, linked: false);
            Assert.True(r.IsOk && r.Value.All(o => o.Status == CreditOutcomeStatus.Created), r.Error?.ToString());
        }

        // Cash-outs in every state, also in GBP (no wallet, no credits); returned ones come back up to 60 days later.
        var states = Enum.GetValues<CashoutState>();
        for (var i = 0; i < count / 4; i++)
        {
            var currency = i % 13 == 0 ? Currencies.GBP : currencies[rng.Next(currencies.Length)];
            var state = states[rng.Next(states.Length)];
            var created = RandomInstant(rng);
            var updated = state == CashoutState.Returned ? created.AddDays(rng.Next(0, 60)).AddSeconds(rng.Next(86_400)) : created.AddMinutes(30);
            if (updated > Clock.GetUtcNow())
            {
                updated = Clock.GetUtcNow();
            }

            var gross = new Money(rng.Next(1, 2_000_000), currency);
            var fee = new Money(gross.Units / 100, currency);
            var c = ProviderOutcomesContractTests.NewCashout("sandbox-bank", state, created) with
            {
                Holder = holder, Gross = gross, Fee = fee, Net = gross - fee, UpdatedAt = updated,
                HoldTransfer = state == CashoutState.Rejected || rng.Next(10) == 0 ? null : TransferId.New(),
            };
            await Store.WriteAsync(async tx => { await tx.InsertCashout(c); return 0; });
        }
    }

    /// <summary>Every figure of a statement as text, for comparing two.</summary>
    private static string Flat(Statement s)
    {
        var sb = new StringBuilder().Append(s.Period.Key).Append('\n');
        foreach (var c in s.Currencies)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{c.Currency.Code} open {c.Opening.Units} in {c.IncomeTotal.Units} out {c.CashedOut.Units} ret {c.Returned.Units} close {c.Closing.Units} ")
                .Append(CultureInfo.InvariantCulture, $"paid {c.PaidCount}/{c.PaidOutGross.Units}/{c.FeesPaid.Units}/{c.PaidOutNet.Units} progress {c.InProgress.Units}\n");
            foreach (var i in c.Income)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {i.Source} {i.Total.Units} x{i.Count}\n");
            }
        }

        foreach (var e in s.Entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.Kind} {e.Id} {e.At:O} {e.Amount.Units} {e.Currency.Code}\n");
        }

        return sb.ToString();
    }
}
