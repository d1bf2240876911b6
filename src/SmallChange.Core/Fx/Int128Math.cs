namespace SmallChange.Core.Fx;

/// <summary>Exact integer helpers for FX and fee arithmetic. All operations are checked and throw on overflow.</summary>
internal static class Int128Math
{
    /// <summary>10^n for 0 ≤ n ≤ 36.</summary>
    public static Int128 Pow10(int n)
    {
        if (n is < 0 or > 36)
        {
            throw new ArgumentOutOfRangeException(nameof(n));
        }

        Int128 r = 1;
        for (var i = 0; i < n; i++)
        {
            r = checked(r * 10);
        }

        return r;
    }

    /// <summary>Greatest common divisor of the magnitudes; gcd(0, 0) = 0.</summary>
    public static Int128 Gcd(Int128 a, Int128 b)
    {
        a = Int128.Abs(a);
        b = Int128.Abs(b);
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>⌊a / b⌋ (toward negative infinity); b must be positive.</summary>
    public static Int128 FloorDiv(Int128 a, Int128 b)
    {
        if (b <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(b));
        }

        var q = a / b;
        return a % b != 0 && a < 0 ? checked(q - 1) : q;
    }

    /// <summary>⌈a / b⌉ (toward positive infinity); b must be positive.</summary>
    public static Int128 CeilDiv(Int128 a, Int128 b)
    {
        if (b <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(b));
        }

        var q = a / b;
        return a % b != 0 && a > 0 ? checked(q + 1) : q;
    }

    /// <summary>Narrows to <see cref="long"/>; throws <see cref="OverflowException"/> when out of range.</summary>
    public static long ToLong(Int128 value) => checked((long)value);
}
