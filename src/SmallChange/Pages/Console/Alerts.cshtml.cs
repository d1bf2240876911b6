using System.Globalization;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using SmallChange.Portal.Charts;

namespace SmallChange.Pages.Console;

/// <summary>Alerts per rule per day over the last <see cref="Days"/> days (UTC): an inline SVG chart and the same figures as a table.</summary>
public sealed class AlertsModel(IStore store, TimeProvider clock) : ConsolePage
{
    public const int Days = 30;

    /// <summary>At most this many alerts are counted (newest first); the page says so when it stops there.</summary>
    public const int MaxAlerts = 20_000;

    public IReadOnlyList<DateOnly> Buckets { get; private set; } = [];

    public IReadOnlyList<(string Name, int[] Counts)> Series { get; private set; } = [];

    public bool Truncated { get; private set; }

    /// <summary>One line per rule over the days; the page draws its legend, each rule linking to its cases.</summary>
    public LineChartSpec Chart { get; private set; } = new("", "", "", "", []);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var first = today.AddDays(-(Days - 1));
        Buckets = Enumerable.Range(0, Days).Select(first.AddDays).ToList();
        var since = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var (alerts, truncated) = await store.ReadAsync<(List<Alert>, bool)>(async r =>
        {
            var all = new List<Alert>();
            string? cursor = null;
            do
            {
                var page = await r.ListAlerts(new AlertFilter(Since: since), cursor, 500);
                all.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null && all.Count < MaxAlerts);
            return (all, cursor is not null);
        }, ct);
        Truncated = truncated;
        Series = alerts.GroupBy(a => a.RuleId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var counts = new int[Days];
            foreach (var a in g)
            {
                var day = DateOnly.FromDateTime(a.CreatedAt.UtcDateTime).DayNumber - first.DayNumber;
                if (day is >= 0 and < Days)
                {
                    counts[day]++;
                }
            }

            return (g.Key, counts);
        }).ToList();
        var desc = Series.Count == 0
            ? "No alerts in the period."
            : string.Join("; ", Series.Select(s => $"{s.Name}: {s.Counts.Sum()} alert(s), at most {s.Counts.Max()} in a day"));
        Chart = new LineChartSpec($"Alerts per rule per day, last {Days} days", $"From {Buckets[0]:yyyy-MM-dd} to {Buckets[^1]:yyyy-MM-dd}. {desc}",
            "Day (UTC)", "Alerts", Series.Select(s => new ChartSeries(s.Name, s.Counts.Select((c, i) => new ChartPoint(i, c)).ToList())
            {
                Href = $"/console/cases?status=all&rule={Uri.EscapeDataString(s.Name)}",
                Note = $": {s.Counts.Sum()}",
            }).ToList())
        {
            XFormat = x => first.AddDays((int)x).ToString("MM-dd", CultureInfo.InvariantCulture),
            YFromZero = true,
            YWhole = true,
            PageLegend = true,
            EmptyText = "No alerts in the period.",
        };
    }
}
