using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>Cursor pagination of GET /v1/holders. Each test has its own database, so it knows every holder in it.</summary>
public sealed class PaginationTests
{
    [Fact]
    public async Task ListHolders_Limit3Over7_FollowsCursorToEachHolderExactlyOnce()
    {
        await using var api = await ApiFixture.StartAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await api.CreateHolder($"page-{i}"));
        }

        var seen = new List<Guid>();
        var pageSizes = new List<int>();
        string? cursor = null;
        do
        {
            using var r = await api.Operator.GetAsync("/v1/holders?limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var page = await Json.Expect(r, HttpStatusCode.OK);
            var items = page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("id").GetGuid()).ToList();
            pageSizes.Add(items.Count);
            seen.AddRange(items);
            cursor = page.OptionalString("next_cursor");
            Assert.True(pageSizes.Count <= 10, "pagination does not end");
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(created.Order(), seen.Order());
    }

    [Fact]
    public async Task ListHolders_LimitEqualsCount_ReturnsNoNextCursor()
    {
        await using var api = await ApiFixture.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await api.CreateHolder($"exact-{i}");
        }

        using var r = await api.Operator.GetAsync("/v1/holders?limit=3");
        var page = await Json.Expect(r, HttpStatusCode.OK);

        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
        Assert.Null(page.OptionalString("next_cursor"));
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("AAAA")]
    [InlineData("not-a-cursor-at-all")]
    public async Task ListHolders_GarbageCursor_Returns400CursorInvalid(string cursor)
    {
        await using var api = await ApiFixture.StartAsync();
        await api.CreateHolder();

        using var r = await api.Operator.GetAsync("/v1/holders?limit=3&cursor=" + Uri.EscapeDataString(cursor));

        var problem = await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "cursor.invalid");
        Assert.Equal("cursor", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ListSources_GarbageCursor_Returns400CursorInvalid()
    {
        await using var api = await ApiFixture.StartAsync();
        using var r = await api.Operator.GetAsync("/v1/sources?cursor=%25%25%25");
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "cursor.invalid");
    }
}
