using System.Text.RegularExpressions;
using System.Xml.Linq;
using SmallChange.Portal.Charts;

namespace SmallChange.Tests.Portal;

public sealed partial class ChartTests
{
    private static XElement Svg(Microsoft.AspNetCore.Html.IHtmlContent html)
    {
        using var w = new StringWriter();
        html.WriteTo(w, System.Text.Encodings.Web.HtmlEncoder.Default);
        return XElement.Parse(w.ToString());
    }

    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Theory]
    [InlineData(0, 97, 0, 100, 20)]
    [InlineData(3, 8, 3, 8, 1)]
    [InlineData(-5, 5, -6, 6, 2)]
    [InlineData(0.0012, 0.0031, 0.001, 0.0035, 0.0005)]
    [InlineData(1200, 185000, 0, 200000, 50000)]
    public void For_Range_NiceTicksCoveringIt(decimal min, decimal max, decimal lo, decimal hi, decimal step)
    {
        var s = NiceScale.For(min, max);
        Assert.Equal((lo, hi, step), (s.Min, s.Max, s.Step));
        Assert.True(s.Ticks.Count is >= 2 and <= 8);
        Assert.Equal(s.Min, s.Ticks[0]);
        Assert.Equal(s.Max, s.Ticks[^1]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-5)]
    [InlineData(0.003)]
    public void For_OneValue_WidenedAroundIt(decimal v)
    {
        var s = NiceScale.For(v, v);
        Assert.True(s.Min < v || (v == 0 && s.Min == 0));
        Assert.True(s.Max > v);
    }

    [Fact]
    public void For_IncludeZero_ReachesZero()
    {
        Assert.Equal(0, NiceScale.For(40, 90, includeZero: true).Min);
        Assert.Equal(0, NiceScale.For(-90, -40, includeZero: true).Max);
    }

    [Fact]
    public void LineChart_TitleDescAndAxisLabels_Accessible()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("Balance <USD>", "Your balance & more", "Day", "USD",
            [new ChartSeries("Balance", [new(1, 2), new(2, 5), new(3, 4)])])));
        Assert.Equal("img", svg.Attribute("role")!.Value);
        var ids = svg.Attribute("aria-labelledby")!.Value.Split(' ');
        Assert.Equal("Balance <USD>", svg.Elements(Ns + "title").Single(e => e.Attribute("id")!.Value == ids[0]).Value);
        Assert.Equal("Your balance & more", svg.Elements(Ns + "desc").Single(e => e.Attribute("id")!.Value == ids[1]).Value);
        Assert.Contains(svg.Descendants(Ns + "text"), t => t.Attribute("class")?.Value == "xlabel" && t.Value == "Day");
        Assert.Contains(svg.Descendants(Ns + "text"), t => t.Attribute("class")?.Value == "ylabel" && t.Value == "USD");
        Assert.Single(svg.Descendants(Ns + "polyline"));
    }

    [Fact]
    public void LineChart_PointsMapIntoThePlot_HigherValueHigherUp()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y", [new ChartSeries("s", [new(0, 0), new(10, 100)])])));
        var pts = svg.Descendants(Ns + "polyline").Single().Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.True(pts[1][0] > pts[0][0]);
        Assert.True(pts[1][1] < pts[0][1]);
        Assert.All(pts, p => Assert.InRange(p[0], 0, SvgChart.Width));
        Assert.Contains(svg.Descendants(Ns + "text"), t => t.Attribute("class")?.Value == "ytick" && t.Value == "100");
    }

    [Fact]
    public void LineChart_Empty_SaysSoWithoutLines()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y", [])));
        Assert.Empty(svg.Descendants(Ns + "polyline"));
        Assert.Contains(svg.Descendants(Ns + "text"), t => t.Attribute("class")?.Value == "empty");
    }

    [Fact]
    public void LineChart_OnePoint_DrawnAsADot()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y", [new ChartSeries("s", [new(5, 3)])])));
        Assert.Single(svg.Descendants(Ns + "circle"));
        Assert.Empty(svg.Descendants(Ns + "polyline"));
    }

    [Fact]
    public void LineChart_GapsAndSeveralSeries_SegmentsAndLegend()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y",
        [
            new ChartSeries("A", [new(1, 1), new(2, 2), new(3, null), new(4, 1), new(5, 3)]),
            new ChartSeries("B", [new(1, -2), new(5, 0)]),
        ]) { Markers = [new ChartMarker(true, 2, "your amount"), new ChartMarker(false, 1.5m, "target")] }));
        Assert.Equal(3, svg.Descendants(Ns + "polyline").Count());
        Assert.Equal(["A", "B"], svg.Descendants(Ns + "g").Single(g => g.Attribute("class")?.Value == "legend").Elements(Ns + "text").Select(t => t.Value));
        Assert.Equal(2, svg.Descendants(Ns + "line").Count(l => l.Attribute("class")?.Value == "marker"));
        Assert.Contains(svg.Descendants(Ns + "text"), t => t.Attribute("class")?.Value == "ytick" && t.Value.StartsWith('-'));
    }

    [Fact]
    public void LineChart_YCap_ScaleStopsAtTheCap()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y", [new ChartSeries("s", [new(1, 500), new(2, 10), new(3, 5)])]) { YCap = 20 }));
        var ticks = svg.Descendants(Ns + "text").Where(t => t.Attribute("class")?.Value == "ytick").Select(t => decimal.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ticks.Max() <= 25, string.Join(",", ticks));
    }

    [Fact]
    public void BarChart_NegativeAndZeroValues_FromABaseline()
    {
        var svg = Svg(SvgChart.BarChart(new BarChartSpec("t", "d", "day", "USD", [new("a", 3), new("b", 0), new("c", -2)])));
        var rects = svg.Descendants(Ns + "rect").Where(r => r.Attribute("class")?.Value?.StartsWith("bar", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(3, rects.Count);
        double Y(XElement r) => double.Parse(r.Attribute("y")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        double H(XElement r) => double.Parse(r.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, H(rects[1]));
        Assert.Equal(Y(rects[0]) + H(rects[0]), Y(rects[2]), 3); // the positive bar ends where the negative one starts: the zero line
        Assert.Equal("bar negative", rects[2].Attribute("class")!.Value);
        Assert.Contains(rects[0].Elements(Ns + "title"), t => t.Value == "a: 3");
    }

    [Fact]
    public void BarChart_Empty_SaysSo() =>
        Assert.Contains("No data to show yet.", Svg(SvgChart.BarChart(new BarChartSpec("t", "d", "x", "y", []))).Value);

    [Fact]
    public void BarChart_ManyBars_LabelsThinnedOut()
    {
        var bars = Enumerable.Range(1, 90).Select(i => new ChartBar($"d{i}", i)).ToList();
        var svg = Svg(SvgChart.BarChart(new BarChartSpec("t", "d", "x", "y", bars)));
        var labels = svg.Descendants(Ns + "text").Count(t => LabelPattern().IsMatch(t.Value));
        Assert.InRange(labels, 2, 10);
    }

    [Fact]
    public void LineChart_PageLegend_NoLegendInsideTheSvg()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y",
            [new ChartSeries("A", [new(1, 1), new(2, 2)]), new ChartSeries("B", [new(1, 2), new(2, 0)])]) { PageLegend = true }));
        Assert.Equal(2, svg.Descendants(Ns + "polyline").Count());
        Assert.DoesNotContain(svg.Descendants(Ns + "g"), g => g.Attribute("class")?.Value == "legend");
    }

    [Fact]
    public void Legend_LinkedAndPlainEntries_SameSamplesAsTheChart()
    {
        using var w = new StringWriter();
        SvgChart.Legend([new ChartSeries("R&1", []) { Href = "/cases?rule=R%261&all=1", Note = ": 3" }, new ChartSeries("plain", [])])
            .WriteTo(w, System.Text.Encodings.Web.HtmlEncoder.Default);
        var ul = XElement.Parse(w.ToString());
        var items = ul.Elements("li").ToList();
        Assert.Equal(2, items.Count);
        var a = items[0].Element("a")!;
        Assert.Equal(("/cases?rule=R%261&all=1", "R&1"), (a.Attribute("href")!.Value, a.Value));
        Assert.EndsWith(": 3", items[0].Value, StringComparison.Ordinal);
        Assert.Null(items[1].Element("a"));
        Assert.Equal("plain", items[1].Value);
        var samples = items.Select(li => li.Element(Ns + "svg")!).ToList();
        Assert.All(samples, s => Assert.Equal("true", s.Attribute("aria-hidden")!.Value));
        Assert.Equal([SvgChart.Styles[0].Colour, SvgChart.Styles[1].Colour], samples.Select(s => s.Element(Ns + "line")!.Attribute("stroke")!.Value));
        Assert.Equal(SvgChart.Styles[1].Dash, samples[1].Element(Ns + "line")!.Attribute("stroke-dasharray")!.Value);
    }

    [Fact]
    public void LineChart_YWholeSmallCounts_WholeTicks()
    {
        var svg = Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y", [new ChartSeries("s", [new(0, 0), new(1, 1), new(2, 0)])]) { YWhole = true, YFromZero = true }));
        var ticks = svg.Descendants(Ns + "text").Where(t => t.Attribute("class")?.Value == "ytick").Select(t => t.Value).ToList();
        Assert.Equal(["0", "1"], ticks);
    }

    [Fact]
    public void LineChart_EmptyText_Shown() =>
        Assert.Contains("No alerts.", Svg(SvgChart.LineChart(new LineChartSpec("t", "d", "x", "y", []) { EmptyText = "No alerts." })).Value);

    [GeneratedRegex("^d[0-9]+$")]
    private static partial Regex LabelPattern();
}
