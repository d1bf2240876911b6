using System.Text.Json;
using System.Text.Json.Serialization;
using SmallChange.Core.Compliance.Cases;

namespace SmallChange.Adapters.Storage;

/// <summary>How both stores write an alert's figures and an evaluation's decisions: snake_case JSON, outcomes by wire name.</summary>
internal static class ComplianceJson
{
    private static readonly JsonSerializerOptions Options = Create();

    public static string Figures(IReadOnlyList<AlertFigure> figures) => JsonSerializer.Serialize(figures, Options);

    public static IReadOnlyList<AlertFigure> ReadFigures(string json) =>
        JsonSerializer.Deserialize<List<AlertFigure>>(json, Options) ?? throw new InvalidDataException("alert figures missing");

    public static string Decisions(IReadOnlyList<DecisionRecord> decisions) => JsonSerializer.Serialize(decisions, Options);

    public static IReadOnlyList<DecisionRecord> ReadDecisions(string json) =>
        JsonSerializer.Deserialize<List<DecisionRecord>>(json, Options) ?? throw new InvalidDataException("decisions missing");

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
