using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Staff;

/// <summary>
/// Four-eyes for releasing held cash-outs: a held cash-out whose gross is strictly above its currency's threshold needs
/// a second, different person's approval before it is sent on; at or below it, one officer's release suffices. A
/// currency without a threshold always needs two (the safe side). The operator sets the amounts in
/// <c>config/four-eyes.json</c>; without the file, <see cref="Default"/> applies.
/// </summary>
public sealed class ReleaseThresholds
{
    private readonly IReadOnlyDictionary<Currency, Money.Money> _above;

    private ReleaseThresholds(IReadOnlyDictionary<Currency, Money.Money> above) => _above = above;

    /// <summary>USD/EUR 3,000, GBP 2,500, KRW 4,000,000, JPY 450,000, PHP 170,000: about the US travel-rule line of USD 3,000.</summary>
    public static ReleaseThresholds Default { get; } = new(new Dictionary<Currency, Money.Money>
    {
        [Currencies.USD] = Money.Money.FromIsoMinor(300_000, Currencies.USD),
        [Currencies.EUR] = Money.Money.FromIsoMinor(300_000, Currencies.EUR),
        [Currencies.GBP] = Money.Money.FromIsoMinor(250_000, Currencies.GBP),
        [Currencies.KRW] = Money.Money.FromIsoMinor(4_000_000, Currencies.KRW),
        [Currencies.JPY] = Money.Money.FromIsoMinor(450_000, Currencies.JPY),
        [Currencies.PHP] = Money.Money.FromIsoMinor(17_000_000, Currencies.PHP),
    });

    /// <summary>Thresholds given in code (tests).</summary>
    public static ReleaseThresholds Of(params Money.Money[] above) => new(above.ToDictionary(m => m.Currency, m => m));

    /// <summary>Every configured threshold, by currency code.</summary>
    public IEnumerable<Money.Money> All => _above.Values.OrderBy(m => m.Currency.Code, StringComparer.Ordinal);

    /// <summary>The threshold of <paramref name="currency"/>; null when none is set (then every release needs two).</summary>
    public Money.Money? For(Currency currency) => _above.TryGetValue(currency, out var m) ? m : null;

    /// <summary>True when releasing a held cash-out of <paramref name="gross"/> needs a second person's approval.</summary>
    public bool NeedsSecondApprover(Money.Money gross) => For(gross.Currency) is { } t ? gross > t : gross.IsPositive;

    /// <summary>
    /// Parses <c>four-eyes.json</c>: <c>{ "release_above": { "USD": "3000.00", "KRW": "4000000" } }</c>, amounts as
    /// decimal strings in each currency. Codes: <c>four_eyes.invalid_json</c>, <c>four_eyes.invalid_value</c>.
    /// </summary>
    public static Result<ReleaseThresholds> Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!doc.RootElement.TryGetProperty("release_above", out var above) || above.ValueKind != JsonValueKind.Object)
            {
                return new Error("four_eyes.invalid_value", "The file needs a \"release_above\" object of currency → amount.", "release_above");
            }

            var map = new Dictionary<Currency, Money.Money>();
            foreach (var p in above.EnumerateObject())
            {
                var field = $"release_above.{p.Name}";
                if (Currencies.Find(p.Name) is not { } currency)
                {
                    return new Error("four_eyes.invalid_value", $"{field}: unknown currency '{p.Name}'.", field);
                }

                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    return new Error("four_eyes.invalid_value", $"{field}: an amount is a decimal string such as \"3000.00\".", field);
                }

                var parsed = Money.Money.Parse(p.Value.GetString(), currency, field);
                if (!parsed.TryGet(out var amount, out var error))
                {
                    return error with { Code = "four_eyes.invalid_value" };
                }

                if (amount.Units < 0)
                {
                    return new Error("four_eyes.invalid_value", $"{field}: a threshold is not negative.", field);
                }

                map[currency] = amount;
            }

            return new ReleaseThresholds(map);
        }
        catch (JsonException e)
        {
            return new Error("four_eyes.invalid_json", $"Not valid JSON (line {e.LineNumber + 1}).");
        }
    }
}
