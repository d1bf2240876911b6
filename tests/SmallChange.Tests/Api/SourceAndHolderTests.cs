using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>Creating sources (and their keys) and holders: validation, idempotency by external reference, conflicts.</summary>
public sealed class SourceAndHolderTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task PostSource_Valid_Returns201WithWorkingSourceKey()
    {
        using var r = await api.Operator.PostAsync("/v1/sources", Json.Body(new { name = "Carrier refunds", type = "carrier_refund", currencies = new[] { "KRW", "USD" } }));
        var body = await Json.Expect(r, HttpStatusCode.Created);

        var source = body.GetProperty("source");
        var id = source.GetProperty("id").GetGuid();
        Assert.Equal($"/v1/sources/{id}", r.Headers.Location?.OriginalString);
        Assert.Equal("carrier_refund", source.GetProperty("type").GetString());
        Assert.Equal(["KRW", "USD"], source.GetProperty("currencies").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var key = body.GetProperty("api_key").GetString()!;
        Assert.StartsWith("sck_", key, StringComparison.Ordinal);

        // The key works: it reads its own source and credits it.
        using var client = api.Client(key);
        using var get = await client.GetAsync($"/v1/sources/{id}");
        Assert.Equal("Carrier refunds", (await Json.Expect(get, HttpStatusCode.OK)).GetProperty("name").GetString());
        var holder = await api.CreateHolder(country: "KR");
        using var credit = await client.PostAsync("/v1/credits", Json.Body(new { source_ref = "r-1", holder_id = holder, amount = "1200", currency = "KRW" }));
        await Json.Expect(credit, HttpStatusCode.Created);
        Assert.Equal("1200", await api.Available(holder, "KRW"));
    }

    [Theory]
    [InlineData("", "other", "USD", "source.name_invalid")]
    [InlineData("Fine name", "lottery", "USD", "source.type_invalid")]
    [InlineData("Fine name", "other", "XYZ", "currency.unknown")]
    [InlineData("Fine name", "other", "", "source.currencies_invalid")]
    public async Task PostSource_Invalid_Returns400WithCodeAndWritesNothing(string name, string type, string currency, string code)
    {
        var before = await ListSourceIds();
        var currencies = currency.Length == 0 ? Array.Empty<string>() : [currency];
        using var r = await api.Operator.PostAsync("/v1/sources", Json.Body(new { name, type, currencies }));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, await ListSourceIds());
    }

    [Fact]
    public async Task PostHolder_New_Returns201WithTierZero()
    {
        var reference = ApiFixture.NewRef("h");
        using var r = await api.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = reference, name = "Kim Min-jun", country = "kr" }));
        var body = await Json.Expect(r, HttpStatusCode.Created);

        Assert.Equal(reference, body.GetProperty("external_ref").GetString());
        Assert.Equal("KR", body.GetProperty("country").GetString());
        Assert.Equal(0, body.GetProperty("kyc_tier").GetInt32());
        Assert.Equal("active", body.GetProperty("status").GetString());
        var id = body.GetProperty("id").GetGuid();
        using var get = await api.Operator.GetAsync($"/v1/holders/{id}");
        Assert.Equal(reference, (await Json.Expect(get, HttpStatusCode.OK)).GetProperty("external_ref").GetString());
    }

    [Fact]
    public async Task PostHolder_SameRefSameContent_Returns200WithOriginalId()
    {
        var reference = ApiFixture.NewRef("h");
        var id = await api.CreateHolder(reference, "Lee Seo-yeon", "KR");

        using var r = await api.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = reference, name = "Lee Seo-yeon", country = "KR" }));

        var body = await Json.Expect(r, HttpStatusCode.OK);
        Assert.Equal(id, body.GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("Somebody Else", "KR")]
    [InlineData("Lee Seo-yeon", "US")]
    public async Task PostHolder_SameRefOtherContent_Returns409AndKeepsOriginal(string name, string country)
    {
        var reference = ApiFixture.NewRef("h");
        var id = await api.CreateHolder(reference, "Lee Seo-yeon", "KR");

        using var r = await api.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = reference, name, country }));

        await Json.ExpectProblem(r, HttpStatusCode.Conflict, "holder.conflict");
        var stored = await api.Store.ReadAsync(s => s.FindHolderByRef(reference));
        Assert.NotNull(stored);
        Assert.Equal(id, stored.Id.Value);
        Assert.Equal("Lee Seo-yeon", stored.Name.Value);
        Assert.Equal("KR", stored.Country);
    }

    [Theory]
    [InlineData("Ava Thompson", "USA", "holder.country_invalid")]
    [InlineData("Ava Thompson", "U1", "holder.country_invalid")]
    [InlineData("Ava Thompson", "", "holder.country_invalid")]
    [InlineData("", "US", "holder.name_invalid")]
    [InlineData("   ", "US", "holder.name_invalid")]
    [InlineData("Ava\u0000Thompson", "US", "holder.name_invalid")]
    public async Task PostHolder_InvalidNameOrCountry_Returns400WithCodeAndWritesNothing(string name, string country, string code)
    {
        var reference = ApiFixture.NewRef("bad");
        using var r = await api.Operator.PostAsync("/v1/holders", Json.Body(new { external_ref = reference, name, country }));

        var problem = await Json.ExpectProblem(r, HttpStatusCode.BadRequest, code);
        Assert.Equal(code.Split('.')[1].Replace("_invalid", "", StringComparison.Ordinal), problem.GetProperty("field").GetString());
        Assert.Null(await api.Store.ReadAsync(s => s.FindHolderByRef(reference)));
    }

    [Fact]
    public async Task PostHolder_MissingExternalRef_Returns400()
    {
        using var r = await api.Operator.PostAsync("/v1/holders", Json.Body(new { name = "Ava Thompson", country = "US" }));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "holder.external_ref_invalid");
    }

    [Fact]
    public async Task GetHolder_Unknown_Returns404()
    {
        using var r = await api.Operator.GetAsync($"/v1/holders/{Guid.NewGuid()}");
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "holder.not_found");
        using var b = await api.Operator.GetAsync($"/v1/holders/{Guid.NewGuid()}/balances");
        await Json.ExpectProblem(b, HttpStatusCode.NotFound, "holder.not_found");
    }

    private async Task<HashSet<Guid>> ListSourceIds()
    {
        var ids = new HashSet<Guid>();
        string? cursor = null;
        do
        {
            using var r = await api.Operator.GetAsync("/v1/sources?limit=500" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var page = await Json.Expect(r, HttpStatusCode.OK);
            foreach (var s in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(s.GetProperty("id").GetGuid());
            }

            cursor = page.OptionalString("next_cursor");
        }
        while (cursor is not null);

        return ids;
    }
}
