using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>Who may call what: no key, a garbled or unknown key, a source key outside its source.</summary>
public sealed partial class AuthTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>Routes the API is known to have; the enumeration below must find at least these.</summary>
    private static readonly (string Method, string Path)[] KnownRoutes =
    [
        ("POST", "/v1/sources"),
        ("GET", "/v1/sources"),
        ("GET", "/v1/sources/{id}"),
        ("POST", "/v1/holders"),
        ("GET", "/v1/holders"),
        ("GET", "/v1/holders/{id}"),
        ("GET", "/v1/holders/{id}/balances"),
        ("POST", "/v1/credits"),
        ("POST", "/v1/credits/batch"),
        ("GET", "/v1/compliance/alerts"),
        ("GET", "/v1/compliance/cases/{id}"),
        ("POST", "/v1/compliance/cases/{id}/decision"),
        ("GET", "/v1/compliance/reports/{id}/files/{format}"),
    ];

    [Fact]
    public void Routes_V1Enumeration_IncludesEveryKnownRoute()
    {
        var found = V1Routes().Select(r => (r.Method, Normalise(r.Pattern))).ToHashSet();
        foreach (var (method, path) in KnownRoutes)
        {
            Assert.Contains((method, path), found);
        }
    }

    /// <summary>
    /// The only routes that answer without a key, on purpose: the log's signed checkpoint and its public keys, which hold
    /// hashes, sizes and public keys only (as a Certificate Transparency log publishes them).
    /// </summary>
    private static readonly (string Method, string Path)[] PublicRoutes =
    [
        ("GET", "/v1/log/checkpoint"),
        ("GET", "/v1/log/keys"),
    ];

    [Fact]
    public async Task PublicRoutes_NoKey_AnswerWithoutPersonalData()
    {
        foreach (var (method, path) in PublicRoutes)
        {
            using var r = await api.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{method} {path}: expected 200, got {(int)r.StatusCode}");
        }
    }

    /// <summary>
    /// Routes whose credential is not an API key but a signature over the body (inbound webhooks from providers,
    /// docs/security.md): without one they answer 401 as well, with their own code.
    /// </summary>
    private static readonly (string Method, string Path)[] SignedRoutes =
    [
        ("POST", "/v1/webhooks/providers/{providerId}"),
    ];

    [Fact]
    public async Task SignedRoutes_NoSignature_Return401Problem()
    {
        foreach (var (method, path) in SignedRoutes)
        {
            Assert.Contains((method, path), V1Routes().Select(r => (r.Method, Normalise(r.Pattern))));
            using var r = await api.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(path)) { Content = Json.Raw("{}") });
            await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "webhook.signature_missing");
        }
    }

    [Fact]
    public async Task AnyV1Route_NoKey_Returns401Problem()
    {
        var routes = V1Routes().Where(r => !PublicRoutes.Contains((r.Method, Normalise(r.Pattern))) && !SignedRoutes.Contains((r.Method, Normalise(r.Pattern)))).ToList();
        Assert.NotEmpty(routes);
        foreach (var (method, pattern) in routes)
        {
            var path = Fill(pattern);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = Json.Raw("{}");
            }

            using var r = await api.Anonymous.SendAsync(request);
            Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: expected 401, got {(int)r.StatusCode}");
            await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "auth.unauthenticated");
            Assert.Contains("Bearer", r.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task PostSource_NoKey_WritesNothing()
    {
        using var r = await api.Anonymous.PostAsync("/v1/sources", Json.Body(new { name = "Sneaky", type = "other", currencies = new[] { "USD" } }));
        await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "auth.unauthenticated");
        using var list = await api.Operator.GetAsync("/v1/sources?limit=500");
        var body = await Json.Expect(list, HttpStatusCode.OK);
        Assert.DoesNotContain(body.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == "Sneaky");
    }

    [Fact]
    public async Task Health_NoKey_Returns200()
    {
        using var r = await api.Anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task OpenApi_NoKey_Returns200AndListsBatchCredits()
    {
        using var r = await api.Anonymous.GetAsync("/openapi/v1.json");
        var doc = await Json.Expect(r, HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/credits/batch", out var batch), "the OpenAPI document lists /v1/credits/batch");
        Assert.True(batch.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/v1/holders/{id}/balances", out _));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sck_")]
    [InlineData("sck_short_secret")]
    [InlineData("sck_0123456789abcdef_unknown-secret")]
    public async Task GetSources_GarbledOrUnknownKey_Returns401(string key)
    {
        using var client = api.Client(key);
        using var r = await client.GetAsync("/v1/sources");
        await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task GetSources_KnownKeyIdWrongSecret_Returns401()
    {
        var wrong = api.OperatorKey[..^4] + (api.OperatorKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var client = api.Client(wrong);
        using var r = await client.GetAsync("/v1/sources");
        await Json.ExpectProblem(r, HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task GetSources_OperatorKeyInXApiKeyHeader_Returns200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sources");
        request.Headers.Add("X-Api-Key", api.OperatorKey);
        using var r = await api.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task PostCredit_SourceKeyForAnotherSource_Returns404AndWritesNothing()
    {
        var mine = await api.CreateSource("USD");
        var other = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var before = await api.Snapshot();
        var reference = ApiFixture.NewRef("steal");

        using var r = await mine.Client.PostAsync("/v1/credits", Json.Body(new
        {
            source_id = other.Id, source_ref = reference, holder_id = holder, amount = "5.00", currency = "USD",
        }));

        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "source.not_found");
        await api.AssertNothingWritten(before);
        await api.AssertHolderUntouched(holder);
        Assert.Null(await api.FindCredit(other.Id, reference));
        Assert.Null(await api.FindCredit(mine.Id, reference));
    }

    [Fact]
    public async Task PostCreditBatch_SourceKeyForAnotherSource_Returns404AndWritesNothing()
    {
        var mine = await api.CreateSource("USD");
        var other = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var before = await api.Snapshot();

        using var r = await mine.Client.PostAsync("/v1/credits/batch", Json.Body(new
        {
            source_id = other.Id,
            items = new[] { new { source_ref = "a", holder_id = holder, amount = "1", currency = "USD" } },
        }));

        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "source.not_found");
        await api.AssertNothingWritten(before);
    }

    [Fact]
    public async Task PostCredit_SourceKeyNamingItsOwnSource_Returns201()
    {
        var mine = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        using var r = await mine.Client.PostAsync("/v1/credits", Json.Body(new
        {
            source_id = mine.Id, source_ref = ApiFixture.NewRef("own"), holder_id = holder, amount = "2.00", currency = "USD",
        }));
        var credit = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal(mine.Id, credit.GetProperty("source_id").GetGuid());
        Assert.Equal("2.00", await api.Available(holder, "USD"));
    }

    [Fact]
    public async Task GetSource_SourceKeyReadingAnotherSource_Returns404()
    {
        var mine = await api.CreateSource("USD");
        var other = await api.CreateSource("USD");

        using var own = await mine.Client.GetAsync($"/v1/sources/{mine.Id}");
        Assert.Equal(mine.Id, (await Json.Expect(own, HttpStatusCode.OK)).GetProperty("id").GetGuid());
        using var r = await mine.Client.GetAsync($"/v1/sources/{other.Id}");
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "source.not_found");
    }

    [Theory]
    [InlineData("GET", "/v1/holders")]
    [InlineData("GET", "/v1/sources")]
    [InlineData("POST", "/v1/holders")]
    [InlineData("POST", "/v1/sources")]
    public async Task OperatorRoute_SourceKey_Returns404NotFound(string method, string path)
    {
        var mine = await api.CreateSource("USD");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Json.Body(new { external_ref = ApiFixture.NewRef("x"), name = "Someone", country = "US", type = "other", currencies = new[] { "USD" } });
        }

        using var r = await mine.Client.SendAsync(request);
        // An unauthorized read answers not found (the operator-only policy denies a source key).
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "resource.not_found");
    }

    [Fact]
    public async Task GetHolderBalances_SourceKey_Returns404()
    {
        var mine = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        using var r = await mine.Client.GetAsync($"/v1/holders/{holder}/balances");
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "resource.not_found");
    }

    [Fact]
    public async Task PostHolder_SourceKey_WritesNothing()
    {
        var mine = await api.CreateSource("USD");
        var reference = ApiFixture.NewRef("by-source");
        using var r = await mine.Client.PostAsync("/v1/holders", Json.Body(new { external_ref = reference, name = "Someone", country = "US" }));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Null(await api.Store.ReadAsync(s => s.FindHolderByRef(reference)));
    }

    private List<(string Method, string Pattern)> V1Routes()
    {
        var sources = api.App.Services.GetServices<EndpointDataSource>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith("v1/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .ToList();
    }

    /// <summary>Route parameters as <c>{id}</c> without constraints, and no trailing slash.</summary>
    private static string Normalise(string pattern) => Parameter().Replace(pattern, m => "{" + m.Groups["name"].Value + "}").TrimEnd('/');

    /// <summary>A concrete path for a pattern: numbers for numeric parameters, a fresh GUID for the rest.</summary>
    private static string Fill(string pattern) => Parameter().Replace(pattern, m =>
        m.Groups["constraint"].Value is var c && (c.Contains("int", StringComparison.Ordinal) || c.Contains("long", StringComparison.Ordinal))
            ? "1"
            : Guid.NewGuid().ToString()).TrimEnd('/');

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z0-9_]+)(?<constraint>[^}]*)\}")]
    private static partial Regex Parameter();
}
