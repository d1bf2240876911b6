using System.Globalization;
using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Records;
using SmallChange.Portal.Charts;
using SmallChange.Portal.Records;
using LedgerAccount = SmallChange.Core.Ledger.Account;

namespace SmallChange.Pages;

/// <summary>
/// The start page: a welcome for visitors. For a signed-in holder, the dashboard: the balance in every currency and
/// what each source credited, charts of the balance and of the daily earnings over the last <see cref="ChartDays"/>
/// days (from the ledger), the latest entries, and the ways on (cash out, history, statements, security).
/// </summary>
public sealed class IndexModel(IStore store, TimeProvider clock) : PortalPage
{
    public const int ChartDays = 60;
    public const int RecentCount = 6;

    public Holder? Profile { get; private set; }

    public IReadOnlyList<LedgerAccount> Wallets { get; private set; } = [];

    public IReadOnlyList<CreditTotal> BySource { get; private set; } = [];

    public PortalRecords? Records { get; private set; }

    /// <summary>The currency the charts show (<c>?currency=</c>, else the one with the most entries).</summary>
    public Currency? ChartCurrency { get; private set; }

    public IReadOnlyList<DayPoint> Days { get; private set; } = [];

    public IReadOnlyList<HistoryEntry> Recent { get; private set; } = [];

    public async Task OnGetAsync(string? currency)
    {
        if (Holder is not { } id)
        {
            return;
        }

        (Profile, Wallets, BySource) = await store.ReadAsync(async r => (await r.GetHolder(id), await r.ListAccounts(AccountKind.HolderWallet, id.Value), await r.CreditTotals(id)), HttpContext.RequestAborted);
        Records = await PortalRecords.Load(store, id, HttpContext.RequestAborted);
        var book = Records.Book;
        ChartCurrency = Currencies.Find(currency) is { } c && book.Currencies.Contains(c)
            ? c
            : book.Entries.GroupBy(e => e.Currency).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? Wallets.FirstOrDefault()?.Currency;
        if (ChartCurrency is { } cc)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            Days = book.Daily(cc, today.AddDays(1 - ChartDays), today);
        }

        Recent = book.Entries.Take(RecentCount).ToList();
    }

    public string SourceName(SourceId id) => Records?.SourceName(id) ?? "";

    public LineChartSpec BalanceChart()
    {
        var c = ChartCurrency!;
        var first = Days.Count > 0 ? Days[0].Day.DayNumber : 0;
        var points = Days.Select(d => new ChartPoint(d.Day.DayNumber - first, Major(d.Balance))).ToList();
        var last = Days.Count > 0 ? Days[^1] : null;
        return new LineChartSpec($"Available balance, {c.Code}, last {ChartDays} days", last is null ? "No data."
                : $"Your {c.Code} balance at the end of each day from {Days[0].Day:yyyy-MM-dd} to {last.Day:yyyy-MM-dd}; it starts at {Days[0].Balance.ToDecimalString()} and ends at {last.Balance.ToDecimalString()}, highest {Days.Max(d => d.Balance).ToDecimalString()}.",
            "Day (UTC)", c.Code, [new ChartSeries("Available balance", points)])
        {
            XFormat = x => Days.Count == 0 ? "" : DateOnly.FromDayNumber(first + (int)x).ToString("MMM d", CultureInfo.InvariantCulture),
            YFromZero = true,
        };
    }

    public BarChartSpec EarningsChart()
    {
        var c = ChartCurrency!;
        var total = Days.Aggregate(Money.Zero(c), (s, d) => s + d.Earned);
        var best = Days.Count > 0 ? Days.MaxBy(d => d.Earned.Units)! : null;
        return new BarChartSpec($"Earned per day, {c.Code}", best is null ? "No data."
                : $"What your sources credited each day over the last {ChartDays} days: {total.ToDecimalString()} {c.Code} in all; the best day was {best.Day:yyyy-MM-dd} with {best.Earned.ToDecimalString()}.",
            "Day (UTC)", c.Code, Days.Select(d => new ChartBar(d.Day.ToString("MMM d", CultureInfo.InvariantCulture), Major(d.Earned))).ToList());
    }

    private static decimal Major(Money m) => decimal.Parse(m.ToDecimalString(), CultureInfo.InvariantCulture);
}
