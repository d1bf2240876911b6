using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Records;

/// <summary>What a history entry is: money credited by a source, or a cash-out.</summary>
public enum RecordKind
{
    Credit,
    Cashout,
}

/// <summary>
/// One line of a holder's history: a credit (by its transfer id, at the time it happened at the source) or a cash-out
/// (by its id, at the time it was requested). <paramref name="Amount"/> is positive: the credit, or the cash-out's gross.
/// </summary>
public sealed record HistoryEntry(RecordKind Kind, Guid Id, DateTimeOffset At, Money.Money Amount, Credit? Credit, Cashout? Cashout)
{
    public Currency Currency => Amount.Currency;

    /// <summary>The source of a credit; null for a cash-out.</summary>
    public SourceId? Source => Credit?.Source;
}

/// <summary>Which entries to show; every part is optional. <see cref="To"/> is exclusive.</summary>
public sealed record HistoryFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, RecordKind? Kind = null, SourceId? Source = null, Currency? Currency = null)
{
    public bool Matches(HistoryEntry e) =>
        (From is null || e.At >= From) && (To is null || e.At < To) && (Kind is null || e.Kind == Kind)
        && (Source is null || e.Source == Source) && (Currency is null || e.Currency == Currency);
}

/// <summary>The end of one UTC day: the available balance then, and what was credited that day.</summary>
public sealed record DayPoint(DateOnly Day, Money.Money Balance, Money.Money Earned);

/// <summary>
/// A holder's records: every credit and cash-out, read from the store once, from which the portal draws history,
/// daily balances, statements and the tax-year summary. Pure once loaded.
/// </summary>
/// <remarks>
/// Balances are anchored on the wallet's available balance now and walked backwards through the movements, so the
/// newest point always equals the wallet. A credit counts from when it happened at the source; a cash-out from when
/// it was requested (its funds are held from then) unless it was rejected or failed (nothing left, or it came back);
/// a returned cash-out's gross comes back when it was returned.
/// </remarks>
public sealed class RecordBook
{
    /// <summary>Page size used when reading the store.</summary>
    public const int ReadPage = 500;

    public RecordBook(IReadOnlyList<Credit> credits, IReadOnlyList<Cashout> cashouts, IReadOnlyDictionary<Currency, Money.Money> available)
    {
        Available = available;
        var entries = new List<HistoryEntry>(credits.Count + cashouts.Count);
        entries.AddRange(credits.Select(c => new HistoryEntry(RecordKind.Credit, c.TransferId.Value, c.OccurredAt, c.Amount, c, null)));
        entries.AddRange(cashouts.Select(c => new HistoryEntry(RecordKind.Cashout, c.Id.Value, c.CreatedAt, c.Gross, null, c)));
        Entries = entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToList();
    }

    /// <summary>Every entry, newest first.</summary>
    public IReadOnlyList<HistoryEntry> Entries { get; }

    /// <summary>The available balance of each wallet now.</summary>
    public IReadOnlyDictionary<Currency, Money.Money> Available { get; }

    /// <summary>Every currency with an entry or a wallet, by code.</summary>
    public IReadOnlyList<Currency> Currencies =>
        Entries.Select(e => e.Currency).Concat(Available.Keys).Distinct().OrderBy(c => c.Code, StringComparer.Ordinal).ToList();

    /// <summary>Reads every credit and cash-out of the holder, and the wallets' available balances.</summary>
    public static async ValueTask<RecordBook> Load(IStoreReader r, HolderId holder)
    {
        var credits = new List<Credit>();
        string? cursor = null;
        do
        {
            var page = await r.ListCredits(holder, null, cursor, ReadPage);
            credits.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var cashouts = new List<Cashout>();
        cursor = null;
        do
        {
            var page = await r.ListCashouts(holder, cursor, ReadPage);
            cashouts.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var wallets = await r.ListAccounts(Ledger.AccountKind.HolderWallet, holder.Value);
        return new RecordBook(credits, cashouts, wallets.ToDictionary(w => w.Currency, w => w.Available));
    }

    public IEnumerable<HistoryEntry> Filter(HistoryFilter filter) => Entries.Where(filter.Matches);

    /// <summary>The credit whose transfer is <paramref name="transfer"/>, if it is one of this holder's.</summary>
    public Credit? FindCredit(TransferId transfer) => Entries.FirstOrDefault(e => e.Credit?.TransferId == transfer)?.Credit;

    /// <summary>How each entry moved the available balance, with when: the credit; minus a cash-out's gross; plus a return.</summary>
    public IEnumerable<(DateTimeOffset At, Money.Money Delta)> Movements(Currency currency)
    {
        foreach (var e in Entries.Where(e => e.Currency == currency))
        {
            if (e.Credit is not null)
            {
                yield return (e.At, e.Amount);
            }
            else if (e.Cashout is { HoldTransfer: not null } c && c.State != CashoutState.Failed)
            {
                yield return (c.CreatedAt, -c.Gross);
                if (c.State == CashoutState.Returned)
                {
                    yield return (c.UpdatedAt, c.Gross);
                }
            }
        }
    }

    /// <summary>The available balance at <paramref name="at"/> (movements at or after it not yet counted).</summary>
    public Money.Money BalanceAt(Currency currency, DateTimeOffset at)
    {
        var balance = Available.GetValueOrDefault(currency, Money.Money.Zero(currency));
        foreach (var (when, delta) in Movements(currency))
        {
            if (when >= at)
            {
                balance -= delta;
            }
        }

        return balance;
    }

    /// <summary>
    /// One point per UTC day from <paramref name="first"/> to <paramref name="last"/> (inclusive; empty when last is
    /// before first): the balance at the end of the day and what was credited during it.
    /// </summary>
    public IReadOnlyList<DayPoint> Daily(Currency currency, DateOnly first, DateOnly last)
    {
        if (last < first)
        {
            return [];
        }

        var days = last.DayNumber - first.DayNumber + 1;
        var earned = new long[days];
        var change = new long[days];
        var start = StartOf(first);
        var balance = BalanceAt(currency, start).Units;
        foreach (var (at, delta) in Movements(currency))
        {
            if (Index(at) is { } d)
            {
                change[d] = checked(change[d] + delta.Units);
            }
        }

        foreach (var e in Entries.Where(e => e.Credit is not null && e.Currency == currency))
        {
            if (Index(e.At) is { } d)
            {
                earned[d] = checked(earned[d] + e.Amount.Units);
            }
        }

        var points = new List<DayPoint>(days);
        for (var i = 0; i < days; i++)
        {
            balance = checked(balance + change[i]);
            points.Add(new DayPoint(first.AddDays(i), new Money.Money(balance, currency), new Money.Money(earned[i], currency)));
        }

        return points;

        int? Index(DateTimeOffset at)
        {
            var d = DateOnly.FromDateTime(at.UtcDateTime).DayNumber - first.DayNumber;
            return at >= start && d < days ? d : null;
        }
    }

    /// <summary>
    /// What the holder earned per day in <paramref name="currency"/>, averaged over the <paramref name="days"/> days
    /// before <paramref name="now"/>; null when nothing was earned then.
    /// </summary>
    public Money.Money? EarningRatePerDay(Currency currency, DateTimeOffset now, int days = 30)
    {
        var since = now.AddDays(-days);
        var total = Entries.Where(e => e.Credit is not null && e.Currency == currency && e.At >= since && e.At <= now).Sum(e => e.Amount.Units);
        return total > 0 ? new Money.Money(total / days, currency) : null;
    }

    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
