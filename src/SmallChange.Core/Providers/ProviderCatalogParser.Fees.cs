using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Providers;

internal static partial class ProviderCatalogParser
{
    /// <summary>Parses one offering's <c>"fees"</c> object alone, with the same rules and messages as the whole file.</summary>
    public static Result<FeeSchedule> ParseFees(string providerId, string json, PayoutMethod method, IReadOnlyList<Currency> sources)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            return new Error("providers.invalid_json", $"The fee schedule is not valid JSON (line {ex.LineNumber + 1}).", "fees");
        }

        using (doc)
        {
            try
            {
                return ReadFees(new Ctx(providerId), doc.RootElement, "fees", method, sources.ToList());
            }
            catch (ConfigException ex)
            {
                return ex.Error;
            }
        }
    }
}
