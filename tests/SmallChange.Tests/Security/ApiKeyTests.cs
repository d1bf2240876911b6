using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using SmallChange.Hosting;
using SmallChange.Http;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>API keys: scopes, read-only access, shown once, rotation with a grace period, revocation, on both databases.</summary>
public sealed class ApiKeyTests
{
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    private static async Task<(JsonElement Key, string Secret)> CreateKey(ApiFixture api, object body)
    {
        using var r = await api.Operator.PostAsync("/v1/keys", Json.Body(body));
        var created = await Json.Expect(r, HttpStatusCode.Created);
        return (created.GetProperty("key"), created.GetProperty("api_key").GetString()!);
    }

    private static async Task<HttpStatusCode> StatusOf(HttpClient client, string path)
    {
        using var r = await client.GetAsync(path);
        return r.StatusCode;
    }

    /// <summary>A second node on the same database (its own key cache), as a deployment with several servers has.</summary>
    private static async Task<WebApplication> SecondNode(ApiFixture api, ManualClock clock)
    {
        var app = SmallChangeHost.Build(new ServeOptions(api.Db, "http://127.0.0.1:0", RunWorkers: false) { Clock = clock }, api.Store, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return app;
    }

    private static HttpClient ClientOf(WebApplication app, string key)
    {
        var c = app.GetTestClient();
        c.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return c;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ReadOnlyOperatorKey_Writes_Answer404AndWriteNothing(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        var (key, secret) = await CreateKey(api, new { scope = "operator", access = "read_only", label = "auditor" });
        Assert.Equal("read_only", key.GetProperty("access").GetString());
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        using var auditor = api.Client(secret);
        var before = await api.Snapshot();

        Assert.Equal(HttpStatusCode.OK, await StatusOf(auditor, "/v1/sources"));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(auditor, $"/v1/holders/{holder}/balances"));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(auditor, "/v1/keys"));
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("/v1/sources", new { name = "By auditor", type = "other", currencies = new[] { "USD" } }),
                     ("/v1/holders", new { external_ref = ApiFixture.NewRef("auditor"), name = "Someone", country = "US" }),
                     ("/v1/credits", new { source_id = source.Id, source_ref = "ro-1", holder_id = holder, amount = "1.00", currency = "USD" }),
                     ("/v1/keys", new { scope = "operator", label = "escalate" }),
                     ($"/v1/keys/{key.GetProperty("key_id").GetString()}/rotate", new { }),
                 })
        {
            using var r = await auditor.PostAsync(path, Json.Body(body));
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "resource.not_found");
        }

        await api.AssertNothingWritten(before);
        Assert.Null(await api.FindCredit(source.Id, "ro-1"));
        using var list = await api.Operator.GetAsync("/v1/keys?limit=500");
        Assert.Equal(3, (await Json.Expect(list, HttpStatusCode.OK)).GetProperty("items").GetArrayLength()); // operator, auditor, source
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task CreateKey_SecretShownOnce_ListAndGetShowNeitherSecretNorHash(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        var (key, secret) = await CreateKey(api, new { scope = "operator", label = "second operator" });
        var id = key.GetProperty("key_id").GetString()!;
        Assert.StartsWith($"sck_{id}_", secret, StringComparison.Ordinal);
        var stored = await api.Store.ReadAsync(r => r.FindApiKey(id));
        var hashHex = Convert.ToHexString(stored!.SecretHash);
        var hashB64 = Convert.ToBase64String(stored.SecretHash);
        var secretPart = secret[(5 + id.Length)..];

        foreach (var path in new[] { "/v1/keys", $"/v1/keys/{id}" })
        {
            using var r = await api.Operator.GetAsync(path);
            var text = (await Json.Expect(r, HttpStatusCode.OK)).GetRawText();
            Assert.Contains(id, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secretPart, text, StringComparison.Ordinal);
            Assert.DoesNotContain(hashHex, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(hashB64, text, StringComparison.Ordinal);
        }

        using var client = api.Client(secret);
        Assert.Equal(HttpStatusCode.OK, await StatusOf(client, "/v1/sources"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RotateKey_OldSecretDuringGrace_AcceptedThenRefused(string backend)
    {
        var clock = new ManualClock();
        await using var api = await ApiFixture.StartAsync(o => o with { Clock = clock }, backend);
        var source = await api.CreateSource("USD");
        var id = source.Key[4..20];

        using var r = await source.Client.PostAsync($"/v1/keys/{id}/rotate", Json.Body(new { grace_seconds = 3600 }));
        var rotated = await Json.Expect(r, HttpStatusCode.OK);
        var fresh = rotated.GetProperty("api_key").GetString()!;
        Assert.NotEqual(source.Key, fresh);
        Assert.StartsWith($"sck_{id}_", fresh, StringComparison.Ordinal);
        Assert.Equal(Wire(clock.GetUtcNow().AddHours(1)), rotated.GetProperty("key").GetProperty("previous_secret_valid_until").GetString());
        using var freshClient = api.Client(fresh);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(source.Client, $"/v1/sources/{source.Id}"));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(freshClient, $"/v1/sources/{source.Id}"));

        clock.Advance(TimeSpan.FromMinutes(1));
        using var old = await source.Client.GetAsync($"/v1/sources/{source.Id}");
        await Json.ExpectProblem(old, HttpStatusCode.Unauthorized, "auth.unauthenticated");
        Assert.Equal(HttpStatusCode.OK, await StatusOf(freshClient, $"/v1/sources/{source.Id}"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RotateKey_NoGraceGiven_ConfiguredGraceApplies(string backend)
    {
        var clock = new ManualClock();
        await using var api = await ApiFixture.StartAsync(o => o with { Clock = clock, Security = o.Security with { RotationGrace = TimeSpan.FromMinutes(10) } }, backend);
        var (key, secret) = await CreateKey(api, new { scope = "operator", label = "to rotate" });
        var id = key.GetProperty("key_id").GetString()!;

        using var r = await api.Operator.PostAsync($"/v1/keys/{id}/rotate", null);
        var rotated = await Json.Expect(r, HttpStatusCode.OK);

        Assert.Equal(Wire(clock.GetUtcNow().AddMinutes(10)), rotated.GetProperty("key").GetProperty("previous_secret_valid_until").GetString());
        using var old = api.Client(secret);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(old, "/v1/sources"));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(api.Client(rotated.GetProperty("api_key").GetString()), "/v1/sources"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(604_801)]
    public async Task RotateKey_GraceOutOfRange_Returns400AndKeepsTheSecret(long grace)
    {
        await using var api = await ApiFixture.StartAsync();
        var (key, secret) = await CreateKey(api, new { scope = "operator", label = "keep" });

        using var r = await api.Operator.PostAsync($"/v1/keys/{key.GetProperty("key_id").GetString()}/rotate", Json.Body(new { grace_seconds = grace }));

        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "key.grace_invalid");
        Assert.Equal(HttpStatusCode.OK, await StatusOf(api.Client(secret), "/v1/sources"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RevokeKey_RefusedAtOnceOnThisNodeAndWithinTheCacheTimeOnAnother(string backend)
    {
        var clock = new ManualClock();
        await using var api = await ApiFixture.StartAsync(o => o with { Clock = clock }, backend);
        var source = await api.CreateSource("USD");
        var id = source.Key[4..20];
        await using var other = await SecondNode(api, clock);
        using var onOther = ClientOf(other, source.Key);
        Assert.Equal(HttpStatusCode.OK, await StatusOf(onOther, $"/v1/sources/{source.Id}")); // the other node now holds the key

        using var r = await api.Operator.PostAsync($"/v1/keys/{id}/revoke", null);
        var revoked = await Json.Expect(r, HttpStatusCode.OK);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(source.Client, $"/v1/sources/{source.Id}"));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(onOther, $"/v1/sources/{source.Id}")); // within the stated bound
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(onOther, $"/v1/sources/{source.Id}"));
        await other.StopAsync();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RotateKey_OnOneNode_NewSecretWorksOnAnotherAtOnce(string backend)
    {
        var clock = new ManualClock();
        await using var api = await ApiFixture.StartAsync(o => o with { Clock = clock }, backend);
        var source = await api.CreateSource("USD");
        await using var other = await SecondNode(api, clock);
        using var onOther = ClientOf(other, source.Key);
        Assert.Equal(HttpStatusCode.OK, await StatusOf(onOther, $"/v1/sources/{source.Id}"));

        using var r = await api.Operator.PostAsync($"/v1/keys/{source.Key[4..20]}/rotate", Json.Body(new { grace_seconds = 0 }));
        var fresh = (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("api_key").GetString()!;

        using var freshOnOther = ClientOf(other, fresh);
        Assert.Equal(HttpStatusCode.OK, await StatusOf(freshOnOther, $"/v1/sources/{source.Id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(source.Client, $"/v1/sources/{source.Id}"));
        await other.StopAsync();
    }

    [Fact]
    public async Task SourceKey_OtherKeys_Answer404AndListIsOperatorOnly()
    {
        await using var api = await ApiFixture.StartAsync();
        var mine = await api.CreateSource("USD");
        var other = await api.CreateSource("USD");
        var otherId = other.Key[4..20];
        var operatorId = api.OperatorKey[4..20];

        Assert.Equal(HttpStatusCode.OK, await StatusOf(mine.Client, $"/v1/keys/{mine.Key[4..20]}"));
        foreach (var id in new[] { otherId, operatorId })
        {
            using var get = await mine.Client.GetAsync($"/v1/keys/{id}");
            await Json.ExpectProblem(get, HttpStatusCode.NotFound, "key.not_found");
            using var rotate = await mine.Client.PostAsync($"/v1/keys/{id}/rotate", null);
            await Json.ExpectProblem(rotate, HttpStatusCode.NotFound, "key.not_found");
            using var revoke = await mine.Client.PostAsync($"/v1/keys/{id}/revoke", null);
            await Json.ExpectProblem(revoke, HttpStatusCode.NotFound, "key.not_found");
        }

        using var list = await mine.Client.GetAsync("/v1/keys");
        await Json.ExpectProblem(list, HttpStatusCode.NotFound, "resource.not_found");
        Assert.Equal(HttpStatusCode.OK, await StatusOf(other.Client, $"/v1/sources/{other.Id}"));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(api.Operator, "/v1/sources"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task SourceKeyCreatedByOperator_CreditsOnlyItsOwnSource(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        var mine = await api.CreateSource("USD");
        var other = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var (key, secret) = await CreateKey(api, new { scope = "source", source_id = mine.Id, label = "second key of mine" });
        Assert.Equal(mine.Id, key.GetProperty("source_id").GetGuid());
        using var client = api.Client(secret);

        using var own = await client.PostAsync("/v1/credits", Json.Body(new { source_ref = "k2-own", holder_id = holder, amount = "1.50", currency = "USD" }));
        Assert.Equal(mine.Id, (await Json.Expect(own, HttpStatusCode.Created)).GetProperty("source_id").GetGuid());
        var before = await api.Snapshot();
        using var steal = await client.PostAsync("/v1/credits", Json.Body(new { source_id = other.Id, source_ref = "k2-steal", holder_id = holder, amount = "1.50", currency = "USD" }));
        await Json.ExpectProblem(steal, HttpStatusCode.NotFound, "source.not_found");
        using var batch = await client.PostAsync("/v1/credits/batch", Json.Body(new
        {
            source_id = other.Id, items = new[] { new { source_ref = "k2-batch", holder_id = holder, amount = "1", currency = "USD" } },
        }));
        await Json.ExpectProblem(batch, HttpStatusCode.NotFound, "source.not_found");

        await api.AssertNothingWritten(before);
        Assert.Null(await api.FindCredit(other.Id, "k2-steal"));
        Assert.Null(await api.FindCredit(other.Id, "k2-batch"));
    }

    [Theory]
    [InlineData("{\"scope\":\"root\",\"label\":\"x\"}", "key.scope_invalid")]
    [InlineData("{\"scope\":\"operator\",\"access\":\"write\",\"label\":\"x\"}", "key.access_invalid")]
    [InlineData("{\"scope\":\"operator\",\"label\":\"\"}", "key.label_invalid")]
    [InlineData("{\"scope\":\"source\",\"label\":\"x\"}", "source.required")]
    [InlineData("{\"scope\":\"operator\",\"label\":\"x\",\"source_id\":\"0196a3c2-0000-7000-8000-000000000000\"}", "key.source_not_allowed")]
    public async Task CreateKey_InvalidRequest_Returns400(string body, string code)
    {
        await using var api = await ApiFixture.StartAsync();
        using var r = await api.Operator.PostAsync("/v1/keys", Json.Raw(body));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, code);
    }

    private static string Wire(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
