using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using SmallChange.Http;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>Rate limits per API key and per holder: 429 with Retry-After, configurable, generous by default.</summary>
public sealed class RateLimitTests
{
    private static async Task<HttpResponseMessage[]> Burst(HttpClient client, string path, int count)
    {
        var list = new HttpResponseMessage[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = await client.GetAsync(path);
        }

        return list;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task PerKey_OverTheLimit_429ProblemWithRetryAfterAndOtherKeysUnaffected(string backend)
    {
        await using var api = await ApiFixture.StartAsync(o => o with { Security = o.Security with { RequestsPerKeyPerSecond = 1, RateWindow = TimeSpan.FromSeconds(3) } }, backend);
        var source = await api.CreateSource("USD"); // one request of the operator key

        var answers = await Burst(source.Client, $"/v1/sources/{source.Id}", 4);

        Assert.All(answers[..3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var limited = answers[3];
        await Json.ExpectProblem(limited, HttpStatusCode.TooManyRequests, "rate.limited");
        var retry = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retry, 1, 3);
        using var op = await api.Operator.GetAsync($"/v1/sources/{source.Id}");
        Assert.Equal(HttpStatusCode.OK, op.StatusCode);
    }

    [Fact]
    public async Task PerKey_AfterTheWindow_AcceptedAgain()
    {
        await using var api = await ApiFixture.StartAsync(o => o with { Security = o.Security with { RequestsPerKeyPerSecond = 2, RateWindow = TimeSpan.FromSeconds(1) } });
        var source = await api.CreateSource("USD");
        var first = await Burst(source.Client, $"/v1/sources/{source.Id}", 3);
        Assert.Equal(HttpStatusCode.TooManyRequests, first[2].StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(1.2));

        using var again = await source.Client.GetAsync($"/v1/sources/{source.Id}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task PerHolder_OverTheLimit_429ForThatHolderOnly(string backend)
    {
        await using var api = await ApiFixture.StartAsync(o => o with { Security = o.Security with { RequestsPerHolderPerMinute = 3 } }, backend);
        var a = await api.CreateHolder();
        var b = await api.CreateHolder();

        var answers = new List<HttpResponseMessage>
        {
            await api.Operator.GetAsync($"/v1/holders/{a}"),
            await api.Operator.GetAsync($"/v1/holders/{a}/balances"),
            await api.Operator.GetAsync($"/v1/holders/{a}/destinations"),
            await api.Operator.GetAsync($"/v1/holders/{a}/transfers"),
        };

        Assert.All(answers[..3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Json.ExpectProblem(answers[3], HttpStatusCode.TooManyRequests, "rate.limited");
        Assert.True(answers[3].Headers.Contains("Retry-After"));
        using var other = await api.Operator.GetAsync($"/v1/holders/{b}/balances");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var list = await api.Operator.GetAsync("/v1/holders");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task PerHolder_PortalPagesOverTheLimit_Html429WithRetryAfter()
    {
        await using var api = await SecurityPortal.StartAsync(o => o with { Security = o.Security with { RequestsPerHolderPerMinute = 3 } });
        var (browser, _) = await SecurityPortal.SignUp(api);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await browser.Http.GetAsync("/inbox"));
        }

        Assert.All(answers[..3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3].StatusCode);
        Assert.Equal("text/html", answers[3].Content.Headers.ContentType?.MediaType);
        Assert.True(answers[3].Headers.Contains("Retry-After"));
        var (other, _) = await SecurityPortal.SignUp(api);
        using var otherInbox = await other.Http.GetAsync("/inbox");
        Assert.Equal(HttpStatusCode.OK, otherInbox.StatusCode);
    }

    [Fact]
    public void Defaults_AboveTheBenchmarkPeakAndConfigurable()
    {
        var defaults = new ApiSecurityOptions();
        // bench/credit-load.sh peaks near 20,000 single credits a second with one source key (docs/performance.md).
        Assert.True(defaults.RequestsPerKeyPerSecond * defaults.RateWindow.TotalSeconds >= 40_000);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SmallChange:Security:RequestsPerKeyPerSecond"] = "0",
            ["SmallChange:Security:RequestsPerHolderPerMinute"] = "42",
            ["SmallChange:Security:KeyCacheSeconds"] = "0",
            ["SmallChange:Security:RotationGraceSeconds"] = "60",
        }).Build();

        var configured = defaults.With(config);

        Assert.Equal(0, configured.RequestsPerKeyPerSecond);
        Assert.Equal(42, configured.RequestsPerHolderPerMinute);
        Assert.Equal(TimeSpan.Zero, configured.KeyCacheFor);
        Assert.Equal(TimeSpan.FromMinutes(1), configured.RotationGrace);
        Assert.Throws<SmallChange.Hosting.ConfigurationException>(() => defaults.With(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SmallChange:Security:HstsSeconds"] = "a year" }).Build()));
    }
}
