using System.Net;
using System.Text;
using System.Text.Json;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>POST /v1/credits/batch: per-item outcomes in order, linked all-or-nothing, and the 10,000-item limit.</summary>
public sealed class BatchCreditTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task PostBatch_UnlinkedThreeGoodTwoBad_AppliesGoodAndReportsEachInOrder()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("b");
        var items = new object[]
        {
            new { source_ref = $"{p}-0", holder_id = holder, amount = "1.00", currency = "USD" },
            new { source_ref = $"{p}-1", holder_id = holder, amount = "0", currency = "USD" },
            new { source_ref = $"{p}-2", holder_id = holder, amount = "0.25", currency = "USD" },
            new { source_ref = $"{p}-3", holder_id = Guid.NewGuid(), amount = "5.00", currency = "USD" },
            new { source_ref = $"{p}-4", holder_id = holder, amount = "0.003", currency = "USD" },
        };

        using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { items }));

        var body = await Json.Expect(r, HttpStatusCode.OK);
        Assert.False(body.GetProperty("linked").GetBoolean());
        Assert.True(body.GetProperty("applied").GetBoolean());
        Assert.Equal(3, body.GetProperty("created").GetInt32());
        Assert.Equal(0, body.GetProperty("exists").GetInt32());
        Assert.Equal(2, body.GetProperty("failed").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4], results.Select(x => x.GetProperty("index").GetInt32()));
        Assert.Equal(["created", "rejected", "created", "rejected", "created"], results.Select(x => x.GetProperty("status").GetString()));
        Assert.Equal("amount.not_positive", results[1].GetProperty("code").GetString());
        Assert.Equal("holder.not_found", results[3].GetProperty("code").GetString());
        Assert.Equal($"{p}-4", results[4].GetProperty("credit").GetProperty("source_ref").GetString());

        Assert.Equal("1.253", await api.Available(holder, "USD"));
        Assert.NotNull(await api.FindCredit(source.Id, $"{p}-0"));
        Assert.Null(await api.FindCredit(source.Id, $"{p}-1"));
        Assert.Null(await api.FindCredit(source.Id, $"{p}-3"));
        await api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task PostBatch_ReplayOfAppliedBatch_AnswersExistsAndAddsNothing()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("b");
        var body = new
        {
            items = Enumerable.Range(0, 3).Select(i => new { source_ref = $"{p}-{i}", holder_id = holder, amount = "2.00", currency = "USD", occurred_at = "2026-11-01T00:00:00Z" }).ToArray(),
        };
        using var first = await source.Client.PostAsync("/v1/credits/batch", Json.Body(body));
        var created = await Json.Expect(first, HttpStatusCode.OK);
        var before = await api.Snapshot();

        using var replay = await source.Client.PostAsync("/v1/credits/batch", Json.Body(body));

        var again = await Json.Expect(replay, HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("created").GetInt32());
        Assert.Equal(3, again.GetProperty("exists").GetInt32());
        Assert.Equal(
            created.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("credit").GetProperty("transfer_id").GetGuid()),
            again.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("credit").GetProperty("transfer_id").GetGuid()));
        await api.AssertNothingWritten(before);
        Assert.Equal("6.00", await api.Available(holder, "USD"));
    }

    [Fact]
    public async Task PostBatch_LinkedWithOneInvalidItem_WritesNothingAndFailsTheOthers()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("l");
        var before = await api.Snapshot();
        var items = new object[]
        {
            new { source_ref = $"{p}-0", holder_id = holder, amount = "1.00", currency = "USD" },
            new { source_ref = $"{p}-1", holder_id = holder, amount = "1.00", currency = "USD" },
            new { source_ref = $"{p}-2", holder_id = holder, amount = "0.0000001", currency = "USD" },
            new { source_ref = $"{p}-3", holder_id = holder, amount = "1.00", currency = "USD" },
        };

        using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { linked = true, items }));

        var body = await Json.Expect(r, HttpStatusCode.OK);
        Assert.True(body.GetProperty("linked").GetBoolean());
        Assert.False(body.GetProperty("applied").GetBoolean());
        Assert.Equal(0, body.GetProperty("created").GetInt32());
        Assert.Equal(4, body.GetProperty("failed").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["linked_event_failed", "linked_event_failed", "rejected", "linked_event_failed"], results.Select(x => x.GetProperty("status").GetString()));
        Assert.Equal("amount.too_many_decimals", results[2].GetProperty("code").GetString());
        Assert.Equal("batch.linked_event_failed", results[0].GetProperty("code").GetString());
        await api.AssertNothingWritten(before);
        await api.AssertHolderUntouched(holder);
    }

    [Fact]
    public async Task PostBatch_LinkedWithUnknownHolder_WritesNothing()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("l");
        var before = await api.Snapshot();
        var items = new object[]
        {
            new { source_ref = $"{p}-0", holder_id = holder, amount = "1.00", currency = "USD" },
            new { source_ref = $"{p}-1", holder_id = Guid.NewGuid(), amount = "1.00", currency = "USD" },
        };

        using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { linked = true, items }));

        var results = (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["linked_event_failed", "rejected"], results.Select(x => x.GetProperty("status").GetString()));
        Assert.Equal("holder.not_found", results[1].GetProperty("code").GetString());
        await api.AssertNothingWritten(before);
        await api.AssertHolderUntouched(holder);
    }

    [Fact]
    public async Task PostBatch_LinkedWithStoredConflict_RollsBackEveryItem()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("l");
        using (var seed = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = $"{p}-taken", holder_id = holder, amount = "1.00", currency = "USD" })))
        {
            await Json.Expect(seed, HttpStatusCode.Created);
        }

        var before = await api.Snapshot();
        var items = new object[]
        {
            new { source_ref = $"{p}-0", holder_id = holder, amount = "1.00", currency = "USD" },
            new { source_ref = $"{p}-taken", holder_id = holder, amount = "9.99", currency = "USD" },
            new { source_ref = $"{p}-2", holder_id = holder, amount = "1.00", currency = "USD" },
        };

        using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { linked = true, items }));

        var body = await Json.Expect(r, HttpStatusCode.OK);
        Assert.False(body.GetProperty("applied").GetBoolean());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["linked_event_failed", "conflict", "linked_event_failed"], results.Select(x => x.GetProperty("status").GetString()));
        Assert.Equal("credit.conflict", results[1].GetProperty("code").GetString());
        await api.AssertNothingWritten(before);
        Assert.Null(await api.FindCredit(source.Id, $"{p}-0"));
        Assert.Null(await api.FindCredit(source.Id, $"{p}-2"));
        Assert.Equal("1.00", await api.Available(holder, "USD"));
    }

    [Fact]
    public async Task PostBatch_DuplicateSourceRefInBatch_RejectsTheSecond()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var reference = ApiFixture.NewRef("dup");
        var items = new[]
        {
            new { source_ref = reference, holder_id = holder, amount = "1.00", currency = "USD" },
            new { source_ref = reference, holder_id = holder, amount = "1.00", currency = "USD" },
        };

        using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { items }));

        var results = (await Json.Expect(r, HttpStatusCode.OK)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("created", results[0].GetProperty("status").GetString());
        Assert.Equal("credit.duplicate_in_batch", results[1].GetProperty("code").GetString());
        Assert.Equal("1.00", await api.Available(holder, "USD"));
    }

    [Fact]
    public async Task PostBatch_Empty_Returns400()
    {
        var source = await api.CreateSource("USD");
        using var r = await source.Client.PostAsync("/v1/credits/batch", Json.Body(new { items = Array.Empty<object>() }));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "batch.empty");
    }

    [Fact]
    public async Task PostBatch_10001Items_Returns400TooLargeAndWritesNothing()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("big");
        var before = await api.Snapshot();

        using var r = await source.Client.PostAsync("/v1/credits/batch", BatchBody(p, holder, 10_001));

        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "batch.too_large");
        await api.AssertNothingWritten(before);
        await api.AssertHolderUntouched(holder);
        Assert.Null(await api.FindCredit(source.Id, $"{p}-0"));
    }

    [Fact]
    public async Task PostBatch_10000Items_CreatesEveryCredit()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        var p = ApiFixture.NewRef("max");

        using var r = await source.Client.PostAsync("/v1/credits/batch", BatchBody(p, holder, 10_000));

        var body = await Json.Expect(r, HttpStatusCode.OK);
        Assert.Equal(10_000, body.GetProperty("created").GetInt32());
        Assert.Equal(0, body.GetProperty("failed").GetInt32());
        Assert.Equal(10_000, body.GetProperty("results").GetArrayLength());
        Assert.Equal("100.00", await api.Available(holder, "USD")); // 10,000 × 0.01
        Assert.NotNull(await api.FindCredit(source.Id, $"{p}-9999"));
        var by = Assert.Single((await api.Balances(holder)).GetProperty("by_source").EnumerateArray());
        Assert.Equal(10_000, by.GetProperty("credits").GetInt64());
        await api.AssertLedgerVerifies();
    }

    private static HttpContent BatchBody(string prefix, Guid holder, int count)
    {
        var sb = new StringBuilder(count * 120);
        sb.Append("{\"items\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append("{\"source_ref\":").Append(JsonSerializer.Serialize($"{prefix}-{i}"))
                .Append(",\"holder_id\":\"").Append(holder).Append("\",\"amount\":\"0.01\",\"currency\":\"USD\"}");
        }

        sb.Append("]}");
        return Json.Raw(sb.ToString());
    }
}
