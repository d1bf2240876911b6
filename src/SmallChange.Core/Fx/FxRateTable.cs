using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmallChange.Core.Fx;

using SmallChange.Core.Common;
using SmallChange.Core.Money;

/// <summary>
/// Mid-market rates as of one instant, each given against a base currency (units of the currency per one unit of
/// the base); any cross rate is derived exactly. Core does no I/O: the host reads the file and calls
/// <see cref="Parse"/>.
/// </summary>
/// <remarks>
/// JSON shape: <c>{"base":"USD","as_of":"2026-11-27T16:00:00Z","source":"…","rates":{"USD":"1","EUR":"0.8655"}}</c>.
/// Rates are decimal strings (never JSON numbers, so no binary floating point is involved).
/// </remarks>
public sealed partial class FxRateTable
{
    private readonly FrozenDictionary<Currency, FxRate> _perBase;

    private FxRateTable(Currency baseCurrency, DateTimeOffset asOf, string? source, FrozenDictionary<Currency, FxRate> perBase)
    {
        Base = baseCurrency;
        AsOf = asOf;
        Source = source;
        _perBase = perBase;
    }

    /// <summary>The currency every configured rate is expressed against.</summary>
    public Currency Base { get; }

    /// <summary>When the rates were observed.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Free text naming where the rates came from (optional).</summary>
    public string? Source { get; }

    /// <summary>The currencies with a rate (including the base).</summary>
    public IReadOnlyCollection<Currency> RatedCurrencies => _perBase.Keys;

    /// <summary>Builds a table in code. The base gets rate 1; every rate is units of the currency per one base unit.</summary>
    public static FxRateTable Create(Currency baseCurrency, DateTimeOffset asOf, IEnumerable<KeyValuePair<Currency, FxRate>> perBase, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(baseCurrency);
        ArgumentNullException.ThrowIfNull(perBase);
        var d = new Dictionary<Currency, FxRate>(perBase) { [baseCurrency] = FxRate.One };
        return new FxRateTable(baseCurrency, asOf, source, d.ToFrozenDictionary());
    }

    /// <summary>
    /// Parses the rate table. Errors (<c>fx.invalid_json</c>, <c>fx.missing_field</c>, <c>fx.unknown_currency</c>,
    /// <c>fx.invalid_rate</c>, <c>fx.invalid_as_of</c>) name the field concerned.
    /// </summary>
    public static Result<FxRateTable> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            return new Error("fx.invalid_json", $"The FX rate file is not valid JSON (line {ex.LineNumber + 1}).");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new Error("fx.invalid_json", "The FX rate file must be a JSON object.");
            }

            foreach (var p in root.EnumerateObject())
            {
                if (p.Name is not ("base" or "as_of" or "source" or "rates") && !p.Name.StartsWith('_') && p.Name != "$comment")
                {
                    return new Error("fx.unknown_field", $"Unknown field '{p.Name}' in the FX rate file.", p.Name);
                }
            }

            if (!root.TryGetProperty("base", out var baseEl) || baseEl.ValueKind != JsonValueKind.String)
            {
                return new Error("fx.missing_field", "The FX rate file needs a 'base' currency code.", "base");
            }

            var baseCurrency = Currencies.Find(baseEl.GetString());
            if (baseCurrency is null)
            {
                return new Error("fx.unknown_currency", $"Unknown base currency '{baseEl.GetString()}'.", "base");
            }

            if (!root.TryGetProperty("as_of", out var asOfEl) || asOfEl.ValueKind != JsonValueKind.String)
            {
                return new Error("fx.missing_field", "The FX rate file needs an 'as_of' timestamp.", "as_of");
            }

            var asOfText = asOfEl.GetString()!;
            if (!IsoInstant().IsMatch(asOfText)
                || !DateTimeOffset.TryParse(asOfText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
            {
                return new Error("fx.invalid_as_of", $"'as_of' must be an ISO-8601 instant with an offset, e.g. 2026-11-27T16:00:00Z (got '{asOfText}').", "as_of");
            }

            string? source = null;
            if (root.TryGetProperty("source", out var sourceEl))
            {
                if (sourceEl.ValueKind != JsonValueKind.String)
                {
                    return new Error("fx.invalid_value", "'source' must be text.", "source");
                }

                source = sourceEl.GetString();
            }

            if (!root.TryGetProperty("rates", out var ratesEl) || ratesEl.ValueKind != JsonValueKind.Object)
            {
                return new Error("fx.missing_field", "The FX rate file needs a 'rates' object of currency → decimal string.", "rates");
            }

            var rates = new Dictionary<Currency, FxRate>();
            foreach (var p in ratesEl.EnumerateObject())
            {
                var field = $"rates.{p.Name}";
                var currency = Currencies.Find(p.Name);
                if (currency is null)
                {
                    return new Error("fx.unknown_currency", $"Unknown currency '{p.Name}' in the FX rates.", field);
                }

                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    return new Error("fx.invalid_rate", $"The {p.Name} rate must be a decimal string such as \"0.8655\" (not a JSON number).", field);
                }

                if (rates.ContainsKey(currency))
                {
                    return new Error("fx.duplicate", $"The {p.Name} rate is given twice.", field);
                }

                var rate = FxRate.Parse(p.Value.GetString(), field);
                if (!rate.TryGet(out var r, out var error))
                {
                    return error;
                }

                if (currency == baseCurrency && r != FxRate.One)
                {
                    return new Error("fx.invalid_rate", $"The base currency {p.Name} must have rate 1.", field);
                }

                rates[currency] = r;
            }

            return Create(baseCurrency, asOf, rates, source);
        }
    }

    /// <summary>
    /// The mid-market rate from <paramref name="from"/> to <paramref name="to"/> (major units of <paramref name="to"/>
    /// per major unit of <paramref name="from"/>), derived exactly through the base; 1 for the same currency.
    /// <c>fx.rate_unavailable</c> when either currency has no rate.
    /// </summary>
    public Result<FxRate> MidMarket(Currency from, Currency to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from == to)
        {
            return FxRate.One;
        }

        if (!_perBase.TryGetValue(from, out var fromRate) || !_perBase.TryGetValue(to, out var toRate))
        {
            return new Error("fx.rate_unavailable", $"No mid-market rate for {from.Code}/{to.Code}.", "currency");
        }

        try
        {
            return toRate.Divide(fromRate);
        }
        catch (OverflowException)
        {
            return new Error("fx.overflow", $"The {from.Code}/{to.Code} cross rate is out of range.", "currency");
        }
    }

    /// <summary>
    /// Converts at mid-market less <paramref name="spreadBps"/> (0..9 999), rounding DOWN to the ledger unit of
    /// <paramref name="to"/>. The same currency is the identity and ignores the spread.
    /// </summary>
    public Result<Money> Convert(Money amount, Currency to, int spreadBps = 0)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (amount.Currency == to)
        {
            return amount;
        }

        if (spreadBps is < 0 or >= FxRate.BpsPerWhole)
        {
            return new Error("fx.invalid_spread", "A spread is between 0 and 9 999 basis points.", "spread_bps");
        }

        var mid = MidMarket(amount.Currency, to);
        if (!mid.TryGet(out var rate, out var error))
        {
            return error;
        }

        try
        {
            return rate.LessSpread(spreadBps).Convert(amount, to);
        }
        catch (OverflowException)
        {
            return new Error("fx.overflow", $"The {amount.Currency.Code}/{to.Code} rate is out of range.", "currency");
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoInstant();
}
