using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Records;

/// <summary>
/// What a statement of one period needs of a holder's records, and no more: the credits that happened in it, the
/// cash-outs requested or returned in it, and each currency's available balance at its start and its end.
/// </summary>
/// <remarks>
/// Balances are anchored on the wallets' available balance now, as <see cref="RecordBook.BalanceAt"/> does: the balance
/// at an instant is the balance now less what the records moved since. So a statement read this way is the one the
/// whole history gives, even when a wallet moved in ways the records do not list.
/// </remarks>
public sealed record PeriodRecords(
    StatementPeriod Period,
    IReadOnlyList<Credit> Credits,
    IReadOnlyList<Cashout> Cashouts,
    IReadOnlyDictionary<Currency, Money.Money> Opening,
    IReadOnlyDictionary<Currency, Money.Money> Closing,
    IReadOnlyDictionary<Currency, Money.Money> Available)
{
    /// <summary>A book of the period's entries (credits, and cash-outs requested in it) for describing them.</summary>
    public RecordBook Book => new(Credits, Cashouts.Where(c => Period.Contains(c.CreatedAt)).ToList(), Available);

    /// <summary>Reads the period from the store: its rows, the wallets and two sums.</summary>
    public static async ValueTask<PeriodRecords> Read(IStoreReader r, HolderId holder, StatementPeriod period)
    {
        var credits = await r.ListCreditsOccurred(holder, period.From, period.To);
        var cashouts = await r.ListCashoutsOfPeriod(holder, period.From, period.To);
        var wallets = await r.ListAccounts(Ledger.AccountKind.HolderWallet, holder.Value);
        var available = wallets.ToDictionary(w => w.Currency, w => w.Available);
        return new PeriodRecords(period, credits, cashouts,
            Back(available, await r.RecordMovementsSince(holder, period.From)), Back(available, await r.RecordMovementsSince(holder, period.To)), available);
    }

    /// <summary>The same from a holder's whole history (what <see cref="Read"/> must equal).</summary>
    public static PeriodRecords From(RecordBook book, StatementPeriod period) => new(
        period,
        book.Entries.Where(e => e.Credit is not null && period.Contains(e.At)).Select(e => e.Credit!).ToList(),
        book.Entries.Where(e => e.Cashout is { } c && (period.Contains(c.CreatedAt) || (c.State == CashoutState.Returned && period.Contains(c.UpdatedAt))))
            .Select(e => e.Cashout!).ToList(),
        book.Currencies.ToDictionary(c => c, c => book.BalanceAt(c, period.From)),
        book.Currencies.ToDictionary(c => c, c => book.BalanceAt(c, period.To)),
        book.Available);

    /// <summary>The balance of each currency before <paramref name="since"/> moved it: available now less the movements.</summary>
    private static Dictionary<Currency, Money.Money> Back(IReadOnlyDictionary<Currency, Money.Money> available, IReadOnlyList<RecordMovementTotal> since)
    {
        var balances = available.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var m in since)
        {
            balances[m.Currency] = balances.GetValueOrDefault(m.Currency, Money.Money.Zero(m.Currency)) - new Money.Money(m.Units, m.Currency);
        }

        return balances;
    }
}
