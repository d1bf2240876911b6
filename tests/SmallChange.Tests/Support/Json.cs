using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SmallChange.Tests.Support;

/// <summary>Request bodies and response assertions for the JSON API.</summary>
public static class Json
{
    /// <summary>Writes property names exactly as given (the tests spell them in the API's snake_case).</summary>
    private static readonly JsonSerializerOptions AsWritten = new();

    public static HttpContent Body(object value) => JsonContent.Create(value, options: AsWritten);

    public static HttpContent Raw(string json, string mediaType = "application/json") => new StringContent(json, Encoding.UTF8, mediaType);

    /// <summary>Asserts the status (showing the body when it differs) and returns the parsed JSON body.</summary>
    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status} {status}, got {(int)response.StatusCode}: {Trunc(text)}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem response with the given status and stable <c>code</c>; returns the problem.</summary>
    public static async Task<JsonElement> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await Expect(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The string value of an optional property, null when absent or null.</summary>
    public static string? OptionalString(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static string Trunc(string s) => s.Length > 2_000 ? s[..2_000] + "…" : s;
}
