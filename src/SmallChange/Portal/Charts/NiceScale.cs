namespace SmallChange.Portal.Charts;

/// <summary>
/// An axis range rounded out to "nice" ticks (1, 2, 2.5 or 5 times a power of ten), covering every value given.
/// Decimal throughout, so money amounts land exactly on their ticks.
/// </summary>
/// <param name="Min">The lowest tick (at or below the smallest value).</param>
/// <param name="Max">The highest tick (at or above the largest value); always greater than <paramref name="Min"/>.</param>
/// <param name="Step">The distance between ticks; positive.</param>
public sealed record NiceScale(decimal Min, decimal Max, decimal Step)
{
    /// <summary>Every tick from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public IReadOnlyList<decimal> Ticks
    {
        get
        {
            var ticks = new List<decimal>();
            for (var t = Min; t <= Max + (Step / 1000m); t += Step)
            {
                ticks.Add(t);
            }

            return ticks;
        }
    }

    /// <summary>
    /// A scale covering [<paramref name="min"/>, <paramref name="max"/>] with at most about <paramref name="maxTicks"/> ticks.
    /// An empty range (one value) is widened around it; with <paramref name="includeZero"/> the range reaches 0.
    /// </summary>
    public static NiceScale For(decimal min, decimal max, int maxTicks = 6, bool includeZero = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        if (max < min)
        {
            (min, max) = (max, min);
        }

        if (includeZero)
        {
            min = Math.Min(min, 0m);
            max = Math.Max(max, 0m);
        }

        if (min == max)
        {
            // One value: a range of one unit of its own size around it (0 → 0..1).
            var pad = min == 0m ? 1m : Nice(Math.Abs(min), round: false) / 2m;
            (min, max) = min >= 0m && includeZero ? (min, max + (pad * 2)) : (min - pad, max + pad);
            if (min == 0m && max == 0m)
            {
                max = 1m;
            }
        }

        var step = Nice(Nice(max - min, round: false) / (maxTicks - 1), round: true);
        var lo = Math.Floor(min / step) * step;
        var hi = Math.Ceiling(max / step) * step;
        if (hi == lo)
        {
            hi = lo + step;
        }

        return new NiceScale(lo, hi, step);
    }

    /// <summary>A "nice" number near <paramref name="x"/> (positive): rounded to the nearest, or the next one up.</summary>
    internal static decimal Nice(decimal x, bool round)
    {
        if (x <= 0m)
        {
            return 1m;
        }

        var power = 1m;
        while (x / power >= 10m)
        {
            power *= 10m;
        }

        while (x / power < 1m && power > 0.000000000001m)
        {
            power /= 10m;
        }

        var f = x / power;
        decimal nice = round
            ? f < 1.5m ? 1m : f < 2.25m ? 2m : f < 3.5m ? 2.5m : f < 7.5m ? 5m : 10m
            : f <= 1m ? 1m : f <= 2m ? 2m : f <= 2.5m ? 2.5m : f <= 5m ? 5m : 10m;
        return nice * power;
    }

    /// <summary>Where <paramref name="value"/> falls between <see cref="Min"/> (0) and <see cref="Max"/> (1); not clamped.</summary>
    public double Fraction(decimal value) => (double)((value - Min) / (Max - Min));
}
