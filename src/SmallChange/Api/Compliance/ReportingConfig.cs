using System.Text.Json;
using SmallChange.Adapters.Reports.Csv;
using SmallChange.Adapters.Reports.FinCen;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Hosting;

namespace SmallChange.Api.Compliance;

/// <summary>The operator's reporting identity (<c>reporting.json</c>): the filer of every report and the FinCEN transmitter.</summary>
public sealed record ReportingConfig(ReportFiler Filer, FinCenTransmitter Transmitter)
{
    public const string FileName = "reporting.json";

    /// <summary>The report formats the operator files in: CSV for every jurisdiction, FinCEN BSA XML for US-dollar reports.</summary>
    public IReadOnlyList<IReportFormat> Formats() => [new FinCenBsaXmlFormat(Transmitter), new CsvReportFormat()];

    public static ReportingConfig Load(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"Missing configuration file {path}.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var root = doc.RootElement;
            var f = Object(root, "filer");
            var t = Object(root, "fincen_transmitter");
            return new ReportingConfig(
                new ReportFiler(Text(f, "legal_name"), Text(f, "tin"), Address(Object(f, "address")), Text(f, "contact_office"), Text(f, "contact_phone")),
                new FinCenTransmitter(Text(t, "legal_name"), Text(t, "tin"), Text(t, "control_code"), Address(Object(t, "address")), Text(t, "phone"), Text(t, "contact_name")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ConfigurationException($"{path}: {e.Message}");
        }
    }

    private static JsonElement Object(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : throw new KeyNotFoundException($"\"{name}\" must be an object.");

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()!
            : throw new KeyNotFoundException($"\"{name}\" is required text.");

    private static PostalAddress Address(JsonElement a) =>
        new(Text(a, "street"), Text(a, "city"), a.TryGetProperty("region", out var r) ? r.GetString() : null,
            a.TryGetProperty("postal_code", out var p) ? p.GetString() : null, Text(a, "country"));
}
