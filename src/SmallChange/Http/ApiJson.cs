using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmallChange.Http;

/// <summary>The API's JSON conventions: snake_case names, enums as snake_case strings, no nulls written.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Converters.Add(new DecimalTextConverter());
        o.NumberHandling = JsonNumberHandling.Strict;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        o.MaxDepth = 16;
        return o;
    }
}

/// <summary>
/// An amount as the client wrote it: a JSON string (<c>"0.003"</c>, preferred) or a JSON number (<c>0.003</c>),
/// kept as text so no binary floating point ever touches it. Parsed into Money against the currency later.
/// </summary>
[JsonConverter(typeof(DecimalTextConverter))]
public readonly record struct DecimalText(string Text)
{
    public override string ToString() => Text;
}

public sealed class DecimalTextConverter : JsonConverter<DecimalText>
{
    public override DecimalText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new DecimalText(reader.GetString()!),
        JsonTokenType.Number => new DecimalText(System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan)),
        _ => throw new JsonException("An amount is a decimal string such as \"12.50\"."),
    };

    public override void Write(Utf8JsonWriter writer, DecimalText value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
}

internal static class Wire
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
