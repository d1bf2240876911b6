using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Providers;

/// <summary>A fee schedule in the form of <c>providers.json</c>'s <c>"fees"</c> object: what staff propose and what the store keeps.</summary>
public static class FeeScheduleJson
{
    /// <summary>Parses and validates a fees object for one offering of a provider (the same rules as the configuration file).</summary>
    public static Result<FeeSchedule> Parse(string providerId, Offering offering, string? json) =>
        string.IsNullOrWhiteSpace(json)
            ? new Error("providers.missing_field", "Give the fee schedule as a JSON object.", "fees")
            : ProviderCatalogParser.ParseFees(providerId, json, offering.Method, offering.SourceCurrencies);

    /// <summary>The schedule as indented JSON, components in a fixed order and currencies by code (so equal schedules write equal text).</summary>
    public static string Write(FeeSchedule fees)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            Map(w, "flat", fees.Flat);
            w.WriteNumber("percent_bps", fees.PercentBps);
            Map(w, "min", fees.Minimum);
            Map(w, "max", fees.Maximum);
            w.WriteNumber("fx_spread_bps", fees.FxSpreadBps);
            Map(w, "activation", fees.Activation);
            Map(w, "monthly", fees.Monthly);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One line for lists: <c>flat USD 0.50 · 30 bps · max USD 25.00 · FX 50 bps</c>.</summary>
    public static string Summary(FeeSchedule fees)
    {
        var parts = new List<string>();
        if (fees.Flat.Count > 0)
        {
            parts.Add("flat " + string.Join(", ", fees.Flat.Values.OrderBy(m => m.Currency.Code, StringComparer.Ordinal)));
        }

        parts.Add($"{fees.PercentBps} bps");
        if (fees.Minimum.Count > 0)
        {
            parts.Add("min " + string.Join(", ", fees.Minimum.Values.OrderBy(m => m.Currency.Code, StringComparer.Ordinal)));
        }

        if (fees.Maximum.Count > 0)
        {
            parts.Add("max " + string.Join(", ", fees.Maximum.Values.OrderBy(m => m.Currency.Code, StringComparer.Ordinal)));
        }

        parts.Add($"FX {fees.FxSpreadBps} bps");
        return string.Join(" · ", parts);
    }

    private static void Map(Utf8JsonWriter w, string name, IReadOnlyDictionary<Currency, Money.Money> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (currency, amount) in map.OrderBy(kv => kv.Key.Code, StringComparer.Ordinal))
        {
            w.WriteString(currency.Code, amount.ToDecimalString());
        }

        w.WriteEndObject();
    }
}
