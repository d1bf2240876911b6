using System.Net;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>Security headers on API answers (successes and errors) and portal pages; HSTS on HTTPS only.</summary>
public sealed class SecurityHeaderTests
{
    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : "";

    private static HttpClient Https(ApiFixture api, string? key = null)
    {
        var c = api.App.GetTestServer().CreateClient();
        c.BaseAddress = new Uri("https://smallchange.example/");
        if (key is not null)
        {
            c.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return c;
    }

    [Fact]
    public async Task ApiAnswers_SuccessAndErrors_NoSniffNoFramingNoReferrerNoStore()
    {
        await using var api = await ApiFixture.StartAsync();
        using var ok = await api.Operator.GetAsync("/v1/sources");
        using var unauthenticated = await api.Anonymous.GetAsync("/v1/sources");
        using var missing = await api.Operator.GetAsync($"/v1/holders/{Guid.NewGuid()}");
        using var bad = await api.Operator.PostAsync("/v1/holders", Json.Raw("{not json"));

        foreach (var r in new[] { ok, unauthenticated, missing, bad })
        {
            Assert.Equal("nosniff", Header(r, "X-Content-Type-Options"));
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(r, "Content-Security-Policy"));
            Assert.Equal("DENY", Header(r, "X-Frame-Options"));
            Assert.Equal("no-referrer", Header(r, "Referrer-Policy"));
            Assert.Equal("no-store", Header(r, "Cache-Control"));
            Assert.Equal("", Header(r, "Strict-Transport-Security")); // plain HTTP: no HSTS
        }

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Https_ApiAndPortalAndHealth_StrictTransportSecurity()
    {
        await using var api = await SecurityPortal.StartAsync();
        using var client = Https(api, api.OperatorKey);
        foreach (var path in new[] { "/v1/sources", "/health", "/sign-in", "/" })
        {
            using var r = await client.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {(int)r.StatusCode}");
            Assert.Equal("max-age=31536000; includeSubDomains", Header(r, "Strict-Transport-Security"));
        }
    }

    [Fact]
    public async Task Https_HstsConfiguredOff_NoHeader()
    {
        await using var api = await ApiFixture.StartAsync(o => o with { Security = o.Security with { Hsts = TimeSpan.Zero } });
        using var client = Https(api, api.OperatorKey);
        using var r = await client.GetAsync("/v1/sources");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("", Header(r, "Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/sign-in")]
    [InlineData("/sign-up")]
    [InlineData("/no-such-page")]
    public async Task PortalPages_CspWithoutInlineScriptAndNoFraming(string path)
    {
        await using var api = await SecurityPortal.StartAsync();
        using var r = await api.Anonymous.GetAsync(path);
        var csp = Header(r, "Content-Security-Policy");
        Assert.Contains("script-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Header(r, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(r, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(r, "Referrer-Policy"));
    }
}
