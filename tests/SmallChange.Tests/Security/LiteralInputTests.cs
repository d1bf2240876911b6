using System.Net;
using System.Text;
using System.Text.Json;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Security;

/// <summary>
/// SQL metacharacters, markup and awkward Unicode in every free-text field: stored and shown back literally (JSON on
/// the API, HTML-encoded in the portal), on both databases; text over a field's limit is refused, never truncated.
/// </summary>
public sealed class LiteralInputTests
{
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    /// <summary>Quotes, comment and statement separators, a NUL-free injection, markup, a right-to-left override, combining marks, Hangul, an emoji (a surrogate pair).</summary>
    public const string Nasty = "Robert'); DROP TABLE holders;-- \" OR 1=1 /* <script>alert('x')</script> & %s \\ \u202Etxt.exe é 한국어 🦀";

    /// <summary>A field's maximum, in UTF-16 code units, made of surrogate pairs (4 bytes each in UTF-8).</summary>
    private static string AtLimit(int limit) => string.Concat(Enumerable.Repeat("🦀", limit / 2)) + (limit % 2 == 1 ? "x" : "");

    private sealed record Field(string Name, Func<ApiFixture, string, Task<HttpResponseMessage>> Create, Func<ApiFixture, JsonElement, Task<string?>> ReadBack, int Limit);

    private static async Task<JsonElement> Get(ApiFixture api, string path)
    {
        using var r = await api.Operator.GetAsync(path);
        return await Json.Expect(r, HttpStatusCode.OK);
    }

    private static readonly Field[] Fields =
    [
        new("source name",
            (api, v) => api.Operator.PostAsync("/v1/sources", Json.Body(new { name = v, type = "other", currencies = new[] { "USD" } })),
            async (api, created) => (await Get(api, $"/v1/sources/{created.GetProperty("source").GetProperty("id").GetGuid()}")).GetProperty("name").GetString(), 200),
        new("holder name",
            (api, v) => api.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = ApiFixture.NewRef("lit"), name = v, country = "US" })),
            async (api, created) => (await Get(api, $"/v1/holders/{created.GetProperty("id").GetGuid()}")).GetProperty("name").GetString(), 200),
        new("holder external_ref",
            (api, v) => api.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = v, name = "Lit Eral", country = "US" })),
            async (api, created) => (await Get(api, $"/v1/holders/{created.GetProperty("id").GetGuid()}")).GetProperty("external_ref").GetString(), 128),
        new("API key label",
            (api, v) => api.Operator.PostAsync("/v1/keys", Json.Body(new { scope = "operator", access = "read_only", label = v })),
            async (api, created) => (await Get(api, $"/v1/keys/{created.GetProperty("key").GetProperty("key_id").GetString()}")).GetProperty("label").GetString(), 200),
        new("webhook endpoint description",
            (api, v) => api.Operator.PostAsync("/v1/webhooks/endpoints", Json.Body(new { url = "https://hooks.example/in", events = new[] { "*" }, description = v })),
            async (api, created) => (await Get(api, $"/v1/webhooks/endpoints/{created.GetProperty("endpoint").GetProperty("id").GetGuid()}")).GetProperty("description").GetString(), 200),
    ];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task EveryTextField_MetacharactersAndUnicodeAndAtLimit_StoredAndReturnedLiterally(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        foreach (var f in Fields)
        {
            foreach (var value in new[] { Nasty, AtLimit(f.Limit) })
            {
                using var r = await f.Create(api, value);
                var created = await Json.Expect(r, HttpStatusCode.Created);
                Assert.True(value == await f.ReadBack(api, created), $"{f.Name} came back changed");
            }
        }

        Assert.NotEmpty((await api.Store.ReadAsync(rd => rd.ListHolders(null, 500))).Items); // the holders table is still there
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task EveryTextField_OverTheLimitOrControlCharacters_RefusedNotTruncated(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        foreach (var f in Fields)
        {
            foreach (var value in new[] { AtLimit(f.Limit) + "🦀", "bell \u0007 character", "line\r\nbreak" })
            {
                using var r = await f.Create(api, value);
                var text = await r.Content.ReadAsStringAsync();
                Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{f.Name} = {Escape(value)}: {(int)r.StatusCode} {text}");
            }
        }
    }

    /// <summary>
    /// A lone surrogate is not text: the JSON reader turns it into U+FFFD, so both databases store and return the same
    /// well-formed string (never an error from the driver, never half a character).
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task EveryTextField_LoneSurrogate_StoredAsReplacementCharacterOnBothDatabases(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        foreach (var f in Fields)
        {
            using var r = await f.Create(api, "lone \uD800 surrogate");
            Assert.True("lone \uFFFD surrogate" == await f.ReadBack(api, await Json.Expect(r, HttpStatusCode.Created)), f.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task CreditSourceRef_Metacharacters_StoredAndFoundLiterally(string backend)
    {
        await using var api = await ApiFixture.StartAsync(backend: backend);
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var reference = Nasty;

        using var r = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = reference, holder_id = holder, amount = "1.00", currency = "USD" }));
        Assert.Equal(reference, (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("source_ref").GetString());
        using var found = await source.Client.GetAsync($"/v1/sources/{source.Id}/credit?source_ref={Uri.EscapeDataString(reference)}");
        Assert.Equal(reference, (await Json.Expect(found, HttpStatusCode.OK)).GetProperty("source_ref").GetString());
        // A LIKE pattern or a quote trick finds nothing else.
        using var wildcard = await source.Client.GetAsync($"/v1/sources/{source.Id}/credit?source_ref={Uri.EscapeDataString("%' OR '1'='1")}");
        await Json.ExpectProblem(wildcard, HttpStatusCode.NotFound, "credit.not_found");
        using var tooLong = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = AtLimit(128) + "x", holder_id = holder, amount = "1.00", currency = "USD" }));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task PortalSignUpName_Markup_ShownEncodedInHtmlAndLiteralInTheApi(string backend)
    {
        await using var api = await SecurityPortal.StartAsync(backend: backend);
        var name = "<script>alert('x')</script> O'Brien \"&\" 🦀";
        var (browser, email) = await SecurityPortal.SignUp(api, name);

        var html = await browser.Page("/");

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; O&#x27;Brien &quot;&amp;&quot;", html, StringComparison.Ordinal);
        var user = await api.Store.ReadAsync(r => r.FindPortalUserByEmail(email.ToUpperInvariant()));
        using var r = await api.Operator.GetAsync($"/v1/holders/{user!.Holder}");
        Assert.Equal(name, (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("name").GetString());
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x20 || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
