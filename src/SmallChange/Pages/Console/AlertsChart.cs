using System.Globalization;
using System.Net;
using System.Text;

namespace SmallChange.Pages.Console;

/// <summary>
/// A server-rendered inline SVG line chart of counts per series over consecutive days, with a <c>title</c> and a
/// <c>desc</c> that states every series' total, for the console's alerts-per-rule page. Self-contained on purpose
/// (the holder portal's chart helpers live on another branch; the two can be unified later).
/// </summary>
public static class AlertsChart
{
    /// <summary>Distinct, dark enough on white (WCAG 3:1 for graphics), and told apart by the legend's text too.</summary>
    private static readonly string[] Colours = ["#1f5fbf", "#b3261e", "#1b7f3a", "#8a4b00", "#6a2c91", "#00696f", "#7a5c00", "#3d3d3d"];

    public static string Colour(int series) => Colours[series % Colours.Length];

    /// <param name="days">The first day of each bucket, in order.</param>
    /// <param name="series">Each series' name and its count per day (as many as <paramref name="days"/>).</param>
    public static string Render(string title, IReadOnlyList<DateOnly> days, IReadOnlyList<(string Name, int[] Counts)> series)
    {
        const int width = 720, height = 260, left = 40, right = 12, top = 12, bottom = 36;
        var inv = CultureInfo.InvariantCulture;
        var max = Math.Max(1, series.SelectMany(s => s.Counts).DefaultIfEmpty(0).Max());
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        double X(int i) => left + (days.Count <= 1 ? plotW / 2.0 : i * (double)plotW / (days.Count - 1));
        double Y(int v) => top + plotH - (v * (double)plotH / max);
        string F(double d) => d.ToString("0.#", inv);

        var desc = series.Count == 0
            ? "No alerts in the period."
            : string.Join("; ", series.Select(s => $"{s.Name}: {s.Counts.Sum()} alert(s), at most {s.Counts.Max()} in a day"));
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" aria-labelledby=\"chart-title chart-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        sb.Append("<title id=\"chart-title\">").Append(WebUtility.HtmlEncode(title)).Append("</title>");
        sb.Append("<desc id=\"chart-desc\">").Append(WebUtility.HtmlEncode($"From {days[0]:yyyy-MM-dd} to {days[^1]:yyyy-MM-dd}. {desc}")).Append("</desc>");

        // Axes and gridlines: 0, half and the maximum.
        foreach (var v in new[] { 0, max / 2, max }.Distinct())
        {
            sb.Append(inv, $"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(Y(v))}\" y2=\"{F(Y(v))}\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>");
            sb.Append(inv, $"<text x=\"{left - 6}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{v}</text>");
        }

        var step = Math.Max(1, days.Count / 6);
        for (var i = 0; i < days.Count; i += step)
        {
            sb.Append(inv, $"<text x=\"{F(X(i))}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">{days[i]:MM-dd}</text>");
        }

        for (var s = 0; s < series.Count; s++)
        {
            var points = string.Join(" ", series[s].Counts.Select((c, i) => $"{F(X(i))},{F(Y(c))}"));
            sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{Colour(s)}\" stroke-width=\"2\" points=\"{points}\"><title>{WebUtility.HtmlEncode(series[s].Name)}</title></polyline>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }
}
