using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmallChange.Core.Quotes;

using SmallChange.Core.Money;

/// <summary>
/// System.Text.Json settings for quote drafts: snake_case names; <see cref="Money"/> as
/// <c>{"currency":"USD","units":1230000,"amount":"1.23"}</c> (units are authoritative, amount is for people);
/// <see cref="Currency"/> as its code; FX rates as exact <c>"numerator/denominator"</c> text; enums by wire name.
/// </summary>
public static class QuoteJson
{
    /// <summary>Shared, read-only options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        o.Converters.Add(new MoneyJsonConverter());
        o.Converters.Add(new CurrencyJsonConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}

/// <summary>Reads and writes <see cref="Currency"/> as its ISO code; an unknown code fails to read.</summary>
public sealed class CurrencyJsonConverter : JsonConverter<Currency>
{
    public override Currency Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Currencies.Find(reader.TokenType == JsonTokenType.String ? reader.GetString() : null)
        ?? throw new JsonException("A currency is a configured ISO 4217 code such as \"USD\".");

    public override void Write(Utf8JsonWriter writer, Currency value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Code);
}

/// <summary>Reads and writes <see cref="Money"/> as <c>{"currency":"USD","units":1230000,"amount":"1.23"}</c>.</summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Money is an object with 'currency' and 'units'.");
        }

        Currency? currency = null;
        long? units = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "currency":
                    currency = Currencies.Find(reader.TokenType == JsonTokenType.String ? reader.GetString() : null)
                        ?? throw new JsonException("Unknown currency.");
                    break;
                case "units":
                    units = reader.GetInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return currency is not null && units is { } u
            ? new Money(u, currency)
            : throw new JsonException("Money needs both 'currency' and 'units'.");
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("currency", value.Currency.Code);
        writer.WriteNumber("units", value.Units);
        writer.WriteString("amount", value.ToDecimalString());
        writer.WriteEndObject();
    }
}
