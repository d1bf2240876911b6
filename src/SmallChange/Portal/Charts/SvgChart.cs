using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace SmallChange.Portal.Charts;

/// <summary>A point of a line; a null <see cref="Y"/> is a gap (the line breaks there).</summary>
public sealed record ChartPoint(decimal X, decimal? Y);

public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points)
{
    /// <summary>Where the series' entry in a page legend (<see cref="SvgChart.Legend"/>) links to; none: plain text.</summary>
    public string? Href { get; init; }

    /// <summary>Text after the name in a page legend (e.g. ": 12"); empty: none.</summary>
    public string Note { get; init; } = "";
}

/// <summary>A reference line across the plot: vertical at an x value, or horizontal at a y value.</summary>
public sealed record ChartMarker(bool Vertical, decimal Value, string Label);

/// <summary>What a line chart shows. <see cref="Description"/> says in words what the chart shows (its <c>&lt;desc&gt;</c>).</summary>
public sealed record LineChartSpec(string Title, string Description, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series)
{
    public Func<decimal, string> XFormat { get; init; } = SvgChart.Number;

    public Func<decimal, string> YFormat { get; init; } = SvgChart.Number;

    /// <summary>Values above are drawn at the top edge (the line is clipped): keeps a few huge values from flattening the rest.</summary>
    public decimal? YCap { get; init; }

    public bool YFromZero { get; init; }

    /// <summary>Counts: the y ticks are whole numbers (a step of at least 1).</summary>
    public bool YWhole { get; init; }

    public IReadOnlyList<ChartMarker> Markers { get; init; } = [];

    /// <summary>
    /// The page draws the legend as HTML with <see cref="SvgChart.Legend"/> (its entries can be links, which have no place
    /// inside an SVG whose role is <c>img</c>), so the SVG draws none.
    /// </summary>
    public bool PageLegend { get; init; }

    /// <summary>What the plot says when there is nothing to draw.</summary>
    public string EmptyText { get; init; } = SvgChart.NoData;
}

public sealed record ChartBar(string Label, decimal Value);

/// <summary>What a bar chart shows: one bar per category, from a zero baseline (negative values go down).</summary>
public sealed record BarChartSpec(string Title, string Description, string XLabel, string YLabel, IReadOnlyList<ChartBar> Bars)
{
    public Func<decimal, string> YFormat { get; init; } = SvgChart.Number;
}

/// <summary>
/// Charts as inline SVG, rendered on the server: no script, readable by assistive technology (<c>role="img"</c>,
/// <c>&lt;title&gt;</c> and <c>&lt;desc&gt;</c>), series told apart by dash pattern as well as colour, colours of at
/// least 4.5:1 contrast on white. Coordinates are in a fixed view box; the SVG scales to its container's width.
/// </summary>
public static class SvgChart
{
    public const int Width = 640;
    public const int PlotHeight = 220;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 34;
    private const int AxisSpace = 50;
    private const int LegendRow = 20;
    private const int LegendColumns = 2;

    /// <summary>Series colours (each ≥ 4.5:1 on white) and dash patterns, used in turn.</summary>
    internal static readonly (string Colour, string Dash)[] Styles =
    [
        ("#0b5cad", ""), ("#a4161a", "6 3"), ("#1d6b32", "2 3"), ("#7a4d00", "10 3 2 3"), ("#5b2a86", "4 4"), ("#005f73", "1 2"),
        ("#4a5561", "8 2 2 2 2 2"), ("#9d0191", "12 4"),
    ];

    public const string NoData = "No data to show yet.";

    private static int _ids;

    public static string Number(decimal v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);

    public static IHtmlContent LineChart(LineChartSpec spec)
    {
        var points = spec.Series.SelectMany(s => s.Points).Where(p => p.Y is not null).ToList();
        var svgLegend = spec.Series.Count > 1 && !spec.PageLegend;
        var rows = (spec.Series.Count + LegendColumns - 1) / LegendColumns;
        var sb = Open(spec.Title, spec.Description, svgLegend ? rows * LegendRow : 0, out var id);
        if (points.Count == 0)
        {
            return Empty(sb, spec.EmptyText);
        }

        var ys = points.Select(p => p.Y!.Value).ToList();
        var yMax = spec.YCap is { } cap ? Math.Min(ys.Max(), cap) : ys.Max();
        var yMin = Math.Min(ys.Min(), yMax);
        foreach (var m in spec.Markers.Where(m => !m.Vertical && (spec.YCap is null || m.Value <= spec.YCap)))
        {
            (yMin, yMax) = (Math.Min(yMin, m.Value), Math.Max(yMax, m.Value));
        }

        var xs = points.Select(p => p.X).Concat(spec.Markers.Where(m => m.Vertical).Select(m => m.Value)).ToList();
        var x = XScale(xs.Min(), xs.Max());
        var y = NiceScale.For(yMin, yMax, 6, spec.YFromZero);
        if (spec.YWhole && y.Step < 1m)
        {
            var lo = Math.Floor(y.Min);
            y = new NiceScale(lo, Math.Max(Math.Ceiling(y.Max), lo + 1m), 1m);
        }
        Axes(sb, x, y, spec.XFormat, spec.YFormat, spec.XLabel, spec.YLabel, xTicks: true);
        sb.Append(CultureInfo.InvariantCulture, $"<clipPath id=\"{id}-clip\"><rect x=\"{Left}\" y=\"{Top - 1}\" width=\"{PlotWidth}\" height=\"{PlotHeight + 2}\"/></clipPath>");
        foreach (var m in spec.Markers)
        {
            if (m.Vertical)
            {
                var px = Px(x, m.Value);
                sb.Append(CultureInfo.InvariantCulture, $"<line class=\"marker\" x1=\"{F(px)}\" x2=\"{F(px)}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#1b1f24\" stroke-dasharray=\"3 3\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(px + 4)}\" y=\"{Top + 12}\" font-size=\"12\" fill=\"#1b1f24\">{E(m.Label)}</text>");
            }
            else if (spec.YCap is null || m.Value <= spec.YCap)
            {
                var py = Py(y, m.Value);
                sb.Append(CultureInfo.InvariantCulture, $"<line class=\"marker\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{F(py)}\" y2=\"{F(py)}\" stroke=\"#1b1f24\" stroke-dasharray=\"3 3\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + PlotWidth - 4}\" y=\"{F(py - 4)}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1f24\">{E(m.Label)}</text>");
            }
        }

        for (var i = 0; i < spec.Series.Count; i++)
        {
            var (colour, dash) = Styles[i % Styles.Length];
            var s = spec.Series[i];
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"series\" clip-path=\"url(#{id}-clip)\"><title>{E(s.Name)}</title>");
            foreach (var segment in Segments(s.Points))
            {
                if (segment.Count == 1)
                {
                    var p = segment[0];
                    sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Px(x, p.X))}\" cy=\"{F(Py(y, Capped(p.Y!.Value, spec.YCap)))}\" r=\"4\" fill=\"{colour}\"/>");
                    continue;
                }

                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{(dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "")} points=\"");
                foreach (var p in segment)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{F(Px(x, p.X))},{F(Py(y, Capped(p.Y!.Value, spec.YCap)))} ");
                }

                sb.Length--;
                sb.Append("\"/>");
            }

            sb.Append("</g>");
        }

        if (svgLegend)
        {
            Legend(sb, spec.Series.Select(s => s.Name).ToList());
        }

        return Close(sb);
    }

    public static IHtmlContent BarChart(BarChartSpec spec)
    {
        var sb = Open(spec.Title, spec.Description, 0, out _);
        if (spec.Bars.Count == 0)
        {
            return Empty(sb, NoData);
        }

        var y = NiceScale.For(spec.Bars.Min(b => b.Value), spec.Bars.Max(b => b.Value), 6, includeZero: true);
        var x = new NiceScale(0, spec.Bars.Count, 1);
        Axes(sb, x, y, _ => "", spec.YFormat, spec.XLabel, spec.YLabel, xTicks: false);
        var slot = PlotWidth / (double)spec.Bars.Count;
        var barWidth = Math.Max(1, slot * 0.7);
        var zero = Py(y, 0);
        var every = Math.Max(1, (int)Math.Ceiling(spec.Bars.Count / 8.0));
        for (var i = 0; i < spec.Bars.Count; i++)
        {
            var b = spec.Bars[i];
            var left = Left + (i * slot) + ((slot - barWidth) / 2);
            var top = Py(y, b.Value);
            var (y0, h) = b.Value >= 0 ? (top, zero - top) : (zero, top - zero);
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar{(b.Value < 0 ? " negative" : "")}\" x=\"{F(left)}\" y=\"{F(y0)}\" width=\"{F(barWidth)}\" height=\"{F(h)}\" fill=\"{(b.Value < 0 ? Styles[1].Colour : Styles[0].Colour)}\">" +
                $"<title>{E(b.Label)}: {E(spec.YFormat(b.Value))}</title></rect>");
            if (i % every == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (i * slot) + (slot / 2))}\" y=\"{Top + PlotHeight + 18}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1b1f24\">{E(b.Label)}</text>");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{F(zero)}\" y2=\"{F(zero)}\" stroke=\"#1b1f24\"/>");
        return Close(sb);
    }

    private const int PlotWidth = Width - Left - Right;

    private static StringBuilder Open(string title, string description, int extraHeight, out string id)
    {
        id = "chart" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture);
        var height = Top + PlotHeight + AxisSpace + extraHeight;
        var sb = new StringBuilder(4096);
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{E(title)}</title><desc id=\"{id}-desc\">{E(description)}</desc>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"15\" font-weight=\"700\" fill=\"#1b1f24\">{E(title)}</text>");
        return sb;
    }

    private static IHtmlContent Empty(StringBuilder sb, string text)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"#f3f5f7\" stroke=\"#c7ced6\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"empty\" x=\"{Left + (PlotWidth / 2)}\" y=\"{Top + (PlotHeight / 2)}\" font-size=\"14\" text-anchor=\"middle\" fill=\"#4a5561\">{E(text)}</text>");
        return Close(sb);
    }

    private static IHtmlContent Close(StringBuilder sb) => new HtmlString(sb.Append("</svg>").ToString());

    private static void Axes(StringBuilder sb, NiceScale x, NiceScale y, Func<decimal, string> xFormat, Func<decimal, string> yFormat, string xLabel, string yLabel, bool xTicks)
    {
        sb.Append("<g class=\"axes\" font-size=\"12\" fill=\"#1b1f24\">");
        foreach (var t in y.Ticks)
        {
            var py = Py(y, t);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{F(py)}\" y2=\"{F(py)}\" stroke=\"#e1e5ea\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"ytick\" x=\"{Left - 6}\" y=\"{F(py + 4)}\" text-anchor=\"end\">{E(yFormat(t))}</text>");
        }

        if (xTicks)
        {
            foreach (var t in x.Ticks)
            {
                var px = Px(x, t);
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(px)}\" x2=\"{F(px)}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight + 5}\" stroke=\"#1b1f24\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text class=\"xtick\" x=\"{F(px)}\" y=\"{Top + PlotHeight + 18}\" text-anchor=\"middle\">{E(xFormat(t))}</text>");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#1b1f24\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight}\" stroke=\"#1b1f24\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"xlabel\" x=\"{Left + (PlotWidth / 2)}\" y=\"{Top + PlotHeight + 40}\" text-anchor=\"middle\" font-weight=\"600\">{E(xLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"ylabel\" transform=\"translate(16 {Top + (PlotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"600\">{E(yLabel)}</text>");
        sb.Append("</g>");
    }

    private static void Legend(StringBuilder sb, IReadOnlyList<string> names)
    {
        var top = Top + PlotHeight + AxisSpace;
        var column = PlotWidth / LegendColumns;
        sb.Append("<g class=\"legend\" font-size=\"12\" fill=\"#1b1f24\">");
        for (var i = 0; i < names.Count; i++)
        {
            var lx = Left + ((i % LegendColumns) * column);
            var ly = top + ((i / LegendColumns) * LegendRow) + 6;
            Swatch(sb, i, lx, ly);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 34}\" y=\"{ly + 4}\">{E(names[i])}</text>");
        }

        sb.Append("</g>");
    }

    /// <summary>
    /// A legend as an HTML list for a chart drawn with <see cref="LineChartSpec.PageLegend"/>: each entry's line sample
    /// (colour and dash, as in the chart), its name (a link when the series has an <see cref="ChartSeries.Href"/>) and note.
    /// </summary>
    public static IHtmlContent Legend(IReadOnlyList<ChartSeries> series)
    {
        var sb = new StringBuilder(256 + (series.Count * 256));
        sb.Append("<ul class=\"legend\">");
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            sb.Append("<li><svg class=\"swatch\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 28 10\" aria-hidden=\"true\" focusable=\"false\">");
            Swatch(sb, i, 0, 5);
            sb.Append("</svg>");
            sb.Append(s.Href is { } href ? $"<a href=\"{E(href)}\">{E(s.Name)}</a>" : E(s.Name)).Append(E(s.Note)).Append("</li>");
        }

        return new HtmlString(sb.Append("</ul>").ToString());
    }

    /// <summary>A 28-unit line sample of series <paramref name="index"/>'s colour and dash, starting at (x, y).</summary>
    private static void Swatch(StringBuilder sb, int index, int x, int y)
    {
        var (colour, dash) = Styles[index % Styles.Length];
        sb.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{x}\" x2=\"{x + 28}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"3\"{(dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "")}/>");
    }

    /// <summary>An x scale: nice ticks when the range is wide, one tick for a single value.</summary>
    private static NiceScale XScale(decimal min, decimal max) => NiceScale.For(min, max, 7);

    private static IEnumerable<List<ChartPoint>> Segments(IReadOnlyList<ChartPoint> points)
    {
        var current = new List<ChartPoint>();
        foreach (var p in points)
        {
            if (p.Y is null)
            {
                if (current.Count > 0)
                {
                    yield return current;
                    current = [];
                }

                continue;
            }

            current.Add(p);
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    private static decimal Capped(decimal v, decimal? cap) => cap is { } c && v > c ? c : v;

    private static double Px(NiceScale x, decimal v) => Left + (x.Fraction(v) * PlotWidth);

    private static double Py(NiceScale y, decimal v) => Top + PlotHeight - (y.Fraction(v) * PlotHeight);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
