using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>POST /v1/credits: created, replayed, conflicting, exact amounts, and every kind of bad input writing nothing.</summary>
public sealed class CreditTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string OccurredAt = "2026-11-01T09:30:00.123456Z";

    [Fact]
    public async Task PostCredit_New_Returns201WithTransferAndLocation()
    {
        var (source, holder) = await Setup();
        var reference = ApiFixture.NewRef("c");

        using var r = await Credit(source, new { source_ref = reference, holder_id = holder, amount = "1.25", currency = "USD", occurred_at = OccurredAt });

        var body = await Json.Expect(r, HttpStatusCode.Created);
        Assert.Equal("created", body.GetProperty("status").GetString());
        Assert.Equal("1.25", body.GetProperty("amount").GetString());
        Assert.Equal("USD", body.GetProperty("currency").GetString());
        Assert.Equal(OccurredAt, body.GetProperty("occurred_at").GetString());
        var transfer = body.GetProperty("transfer_id").GetGuid();
        Assert.NotEqual(Guid.Empty, transfer);
        Assert.Equal($"/v1/sources/{source.Id}/credit?source_ref={Uri.EscapeDataString(reference)}", r.Headers.Location?.OriginalString);
        using (var located = await source.Client.GetAsync(r.Headers.Location))
        {
            Assert.Equal(transfer, (await Json.Expect(located, HttpStatusCode.OK)).GetProperty("transfer_id").GetGuid());
        }

        var stored = await api.FindCredit(source.Id, reference);
        Assert.NotNull(stored);
        Assert.Equal(transfer, stored.TransferId.Value);
        await api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task PostCredit_ReplaySameContent_Returns200ExistsWithSameTransfer()
    {
        var (source, holder) = await Setup();
        var item = new { source_ref = ApiFixture.NewRef("c"), holder_id = holder, amount = "1.25", currency = "USD", occurred_at = OccurredAt };
        using var first = await Credit(source, item);
        var created = await Json.Expect(first, HttpStatusCode.Created);

        using var replay = await Credit(source, item);

        var again = await Json.Expect(replay, HttpStatusCode.OK);
        Assert.Equal("exists", again.GetProperty("status").GetString());
        Assert.Equal(created.GetProperty("transfer_id").GetGuid(), again.GetProperty("transfer_id").GetGuid());
        Assert.Equal(created.GetProperty("created_at").GetString(), again.GetProperty("created_at").GetString());
        await AssertOneCredit(holder, source, "1.25");
    }

    // Regression: with occurred_at omitted the time of receipt stands in for it and is not part of the comparison.
    [Fact]
    public async Task PostCredit_ReplayWithoutOccurredAt_Returns200Exists()
    {
        var (source, holder) = await Setup();
        var item = new { source_ref = ApiFixture.NewRef("c"), holder_id = holder, amount = "0.50", currency = "USD" };
        using var first = await Credit(source, item);
        var created = await Json.Expect(first, HttpStatusCode.Created);
        await Task.Delay(5); // the server's clock moves on between the two requests, as it does for a real retry

        using var replay = await Credit(source, item);

        // A client retrying the very same request must get its credit back, not a conflict.
        var again = await Json.Expect(replay, HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("transfer_id").GetGuid(), again.GetProperty("transfer_id").GetGuid());
        await AssertOneCredit(holder, source, "0.50");
    }

    [Fact]
    public async Task PostCredit_ReplayWithoutOccurredAtOtherAmount_Returns409()
    {
        var (source, holder) = await Setup();
        var reference = ApiFixture.NewRef("c");
        using var first = await Credit(source, new { source_ref = reference, holder_id = holder, amount = "0.50", currency = "USD" });
        await Json.Expect(first, HttpStatusCode.Created);
        using var other = await Credit(source, new { source_ref = reference, holder_id = holder, amount = "0.51", currency = "USD" });
        await Json.ExpectProblem(other, HttpStatusCode.Conflict, "credit.conflict");
        await AssertOneCredit(holder, source, "0.50");
    }

    [Fact]
    public async Task PostBatch_LinkedReplayWithoutOccurredAt_AllExist()
    {
        var (source, holder) = await Setup();
        var body = new
        {
            linked = true,
            items = Enumerable.Range(0, 3).Select(i => new { source_ref = ApiFixture.NewRef($"l{i}"), holder_id = holder, amount = "0.10", currency = "USD" }).ToArray(),
        };
        using (var first = await source.Client.PostAsync("/v1/credits/batch", Json.Body(body)))
        {
            Assert.Equal(3, (await Json.Expect(first, HttpStatusCode.OK)).GetProperty("created").GetInt32());
        }

        await Task.Delay(5);
        using var replay = await source.Client.PostAsync("/v1/credits/batch", Json.Body(body));
        var again = await Json.Expect(replay, HttpStatusCode.OK);
        Assert.Equal(3, again.GetProperty("exists").GetInt32());
        Assert.True(again.GetProperty("applied").GetBoolean());
    }

    [Fact]
    public async Task PostCredit_HolderIdAndRefBoth_400Ambiguous()
    {
        var (source, holder) = await Setup();
        var before = await api.Snapshot();
        using var r = await Credit(source, new { source_ref = ApiFixture.NewRef("c"), holder_id = holder, holder_ref = "someone-else", amount = "0.50", currency = "USD" });
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "holder.ambiguous");
        await api.AssertNothingWritten(before);
    }

    [Fact]
    public async Task PostCredit_OccurredAtYearOne_400()
    {
        var (source, holder) = await Setup();
        using var r = await Credit(source, new { source_ref = ApiFixture.NewRef("c"), holder_id = holder, amount = "0.50", currency = "USD", occurred_at = "0001-01-01T00:00:00Z" });
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "credit.occurred_at_invalid");
        await api.AssertHolderUntouched(holder);
    }

    [Theory]
    [InlineData("1.26", null)]
    [InlineData("1.25", "2026-11-01T09:30:01Z")]
    [InlineData("1.25", "other-holder")]
    public async Task PostCredit_SameSourceRefOtherContent_Returns409AndKeepsOriginal(string amount, string? change)
    {
        var (source, holder) = await Setup();
        var reference = ApiFixture.NewRef("c");
        using var first = await Credit(source, new { source_ref = reference, holder_id = holder, amount = "1.25", currency = "USD", occurred_at = OccurredAt });
        var created = await Json.Expect(first, HttpStatusCode.Created);
        var otherHolder = await api.CreateHolder();
        var before = await api.Snapshot();

        using var r = await Credit(source, new
        {
            source_ref = reference,
            holder_id = change == "other-holder" ? otherHolder : holder,
            amount,
            currency = "USD",
            occurred_at = change is not null && change != "other-holder" ? change : OccurredAt,
        });

        await Json.ExpectProblem(r, HttpStatusCode.Conflict, "credit.conflict");
        await api.AssertNothingWritten(before);
        await AssertOneCredit(holder, source, "1.25");
        await api.AssertHolderUntouched(otherHolder);
        Assert.Equal(created.GetProperty("transfer_id").GetGuid(), (await api.FindCredit(source.Id, reference))!.TransferId.Value);
    }

    [Fact]
    public async Task PostCredit_ThreeThousandthsOfADollar_IsKeptExactly()
    {
        var (source, holder) = await Setup();

        using var r = await Credit(source, new { source_ref = ApiFixture.NewRef("c"), holder_id = holder, amount = "0.003", currency = "USD" });

        Assert.Equal("0.003", (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("amount").GetString());
        Assert.Equal("0.003", await api.Available(holder, "USD"));
        for (var i = 0; i < 2; i++)
        {
            using var more = await Credit(source, new { source_ref = ApiFixture.NewRef("c"), holder_id = holder, amount = "0.003", currency = "USD" });
            await Json.Expect(more, HttpStatusCode.Created);
        }

        Assert.Equal("0.009", await api.Available(holder, "USD"));
        var stored = await api.Store.ReadAsync(s => s.ListCredits(new Core.Common.HolderId(holder), null, null, 10));
        Assert.All(stored.Items, c => Assert.Equal(3_000, c.Amount.Units));
    }

    [Fact]
    public async Task PostCredit_AmountAsJsonNumber_IsAccepted()
    {
        var (source, holder) = await Setup();

        using var r = await api.Operator.PostAsync("/v1/credits", Json.Raw(
            $$"""{"source_id":"{{source.Id}}","source_ref":"num-{{Guid.NewGuid():N}}","holder_id":"{{holder}}","amount":1.5,"currency":"USD"}"""));

        Assert.Equal("1.50", (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("amount").GetString());
        Assert.Equal("1.50", await api.Available(holder, "USD"));
    }

    [Fact]
    public async Task PostCredit_ByHolderExternalRef_CreditsThatHolder()
    {
        var source = await api.CreateSource("KRW");
        var reference = ApiFixture.NewRef("ext");
        var holder = await api.CreateHolder(reference, "Kim Min-jun", "KR");

        using var r = await Credit(source, new { source_ref = ApiFixture.NewRef("c"), holder_ref = reference, amount = "550", currency = "KRW" });

        Assert.Equal(holder, (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("holder_id").GetGuid());
        Assert.Equal("550", await api.Available(holder, "KRW"));
    }

    [Fact]
    public async Task PostCredit_OperatorKey_BooksForNamedSource()
    {
        var (source, holder) = await Setup();
        using var r = await api.Operator.PostAsync("/v1/credits", Json.Body(new
        {
            source_id = source.Id, source_ref = ApiFixture.NewRef("c"), holder_id = holder, amount = "3", currency = "USD",
        }));
        Assert.Equal(source.Id, (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("source_id").GetGuid());
        await AssertOneCredit(holder, source, "3.00");
    }

    [Fact]
    public async Task PostCredit_OperatorKeyWithoutSource_Returns400SourceRequired()
    {
        var holder = await api.CreateHolder();
        using var r = await api.Operator.PostAsync("/v1/credits", Json.Body(new { source_ref = "x", holder_id = holder, amount = "3", currency = "USD" }));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "source.required");
        await api.AssertHolderUntouched(holder);
    }

    [Fact]
    public async Task PostCredit_OperatorKeyUnknownSource_Returns404()
    {
        var holder = await api.CreateHolder();
        using var r = await api.Operator.PostAsync("/v1/credits", Json.Body(new
        {
            source_id = Guid.NewGuid(), source_ref = "x", holder_id = holder, amount = "3", currency = "USD",
        }));
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "source.not_found");
        await api.AssertHolderUntouched(holder);
    }

    [Theory]
    [InlineData("0", "USD", HttpStatusCode.BadRequest, "amount.not_positive")]
    [InlineData("0.000000", "USD", HttpStatusCode.BadRequest, "amount.not_positive")]
    [InlineData("-1.00", "USD", HttpStatusCode.BadRequest, "amount.not_positive")]
    [InlineData("99999999999999999999", "USD", HttpStatusCode.BadRequest, "amount.out_of_range")]
    [InlineData("9223372036854.775808", "USD", HttpStatusCode.BadRequest, "amount.out_of_range")]
    [InlineData("0.0000001", "USD", HttpStatusCode.BadRequest, "amount.too_many_decimals")]
    [InlineData("0.001", "KRW", HttpStatusCode.BadRequest, "amount.too_many_decimals")]
    [InlineData("1e3", "USD", HttpStatusCode.BadRequest, "amount.invalid")]
    [InlineData("1,000.00", "USD", HttpStatusCode.BadRequest, "amount.invalid")]
    [InlineData(" 1.00", "USD", HttpStatusCode.BadRequest, "amount.invalid")]
    [InlineData("", "USD", HttpStatusCode.BadRequest, "amount.invalid")]
    [InlineData("1.00", "XYZ", HttpStatusCode.BadRequest, "currency.unknown")]
    [InlineData("1.00", "EUR", HttpStatusCode.BadRequest, "currency.not_accepted")]
    public async Task PostCredit_BadAmountOrCurrency_ReturnsProblemAndWritesNothing(string amount, string currency, HttpStatusCode status, string code)
    {
        var (source, holder) = await Setup();
        var before = await api.Snapshot();
        var reference = ApiFixture.NewRef("bad");

        using var r = await Credit(source, new { source_ref = reference, holder_id = holder, amount, currency });

        var problem = await Json.ExpectProblem(r, status, code);
        Assert.Equal(code.StartsWith("amount", StringComparison.Ordinal) ? "amount" : "currency", problem.GetProperty("field").GetString());
        await AssertNothingWritten(before, source, reference, holder);
    }

    [Fact]
    public async Task PostCredit_UnknownHolder_Returns404AndWritesNothing()
    {
        var (source, _) = await Setup();
        var before = await api.Snapshot();
        var reference = ApiFixture.NewRef("bad");

        using var r = await Credit(source, new { source_ref = reference, holder_id = Guid.NewGuid(), amount = "1", currency = "USD" });

        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "holder.not_found");
        await api.AssertNothingWritten(before);
        Assert.Null(await api.FindCredit(source.Id, reference));
    }

    [Fact]
    public async Task PostCredit_UnknownHolderRef_Returns404AndWritesNothing()
    {
        var (source, _) = await Setup();
        var before = await api.Snapshot();

        using var r = await Credit(source, new { source_ref = "x", holder_ref = ApiFixture.NewRef("nobody"), amount = "1", currency = "USD" });

        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "holder.not_found");
        await api.AssertNothingWritten(before);
    }

    [Theory]
    [InlineData("{\"source_ref\":\"x\",\"holder_id\":\"%H%\",\"amount\":\"1\",\"currency\":")]
    [InlineData("""{"source_ref":"x","holder_id":"%H%","amount":"1","currency":"USD",}""")]
    [InlineData("""{"source_ref":"x","holder_id":"not-a-guid","amount":"1","currency":"USD"}""")]
    [InlineData("""{"source_ref":"x","holder_id":"%H%","amount":true,"currency":"USD"}""")]
    [InlineData("""[1,2,3]""")]
    public async Task PostCredit_MalformedJson_Returns400AndWritesNothing(string json)
    {
        var (source, holder) = await Setup();
        var before = await api.Snapshot();

        using var r = await source.Client.PostAsync("/v1/credits", Json.Raw(json.Replace("%H%", holder.ToString(), StringComparison.Ordinal)));

        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "request.malformed_json");
        await AssertNothingWritten(before, source, "x", holder);
    }

    [Theory]
    [InlineData(null, "credit.source_ref_invalid")]
    [InlineData("", "credit.source_ref_invalid")]
    [InlineData("tab\there", "credit.source_ref_invalid")]
    public async Task PostCredit_BadSourceRef_Returns400AndWritesNothing(string? reference, string code)
    {
        var (source, holder) = await Setup();
        var before = await api.Snapshot();

        using var r = await Credit(source, new { source_ref = reference, holder_id = holder, amount = "1", currency = "USD" });

        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, code);
        await api.AssertNothingWritten(before);
        await api.AssertHolderUntouched(holder);
    }

    [Fact]
    public async Task PostCredit_SourceRefTooLong_Returns400()
    {
        var (source, holder) = await Setup();
        using var r = await Credit(source, new { source_ref = new string('r', 129), holder_id = holder, amount = "1", currency = "USD" });
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "credit.source_ref_invalid");
        await api.AssertHolderUntouched(holder);
    }

    [Fact]
    public async Task PostCredit_OccurredFarInFuture_Returns400AndWritesNothing()
    {
        var (source, holder) = await Setup();
        var when = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        using var r = await Credit(source, new { source_ref = "future", holder_id = holder, amount = "1", currency = "USD", occurred_at = when });
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "credit.occurred_in_future");
        await api.AssertHolderUntouched(holder);
    }

    [Fact]
    public async Task PostCredit_MissingHolderAndCurrency_Returns400()
    {
        var (source, _) = await Setup();
        using var noHolder = await Credit(source, new { source_ref = "x", amount = "1", currency = "USD" });
        await Json.ExpectProblem(noHolder, HttpStatusCode.BadRequest, "holder.missing");
        using var noCurrency = await Credit(source, new { source_ref = "x", holder_id = Guid.NewGuid(), amount = "1" });
        await Json.ExpectProblem(noCurrency, HttpStatusCode.BadRequest, "currency.missing");
        Assert.Null(await api.FindCredit(source.Id, "x"));
    }

    [Fact]
    public async Task PostCredit_NotJsonContentType_Returns415Problem()
    {
        var (source, holder) = await Setup();
        using var r = await source.Client.PostAsync("/v1/credits", Json.Raw($$"""{"source_ref":"x","holder_id":"{{holder}}","amount":"1","currency":"USD"}""", "text/plain"));
        await Json.ExpectProblem(r, HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await api.AssertHolderUntouched(holder);
    }

    private async Task<(TestSource Source, Guid Holder)> Setup()
    {
        var source = await api.CreateSource("USD", "KRW");
        var holder = await api.CreateHolder();
        return (source, holder);
    }

    private Task<HttpResponseMessage> Credit(TestSource source, object body) => source.Client.PostAsync("/v1/credits", Json.Body(body));

    private async Task AssertOneCredit(Guid holder, TestSource source, string amount)
    {
        var b = await api.Balances(holder);
        var by = Assert.Single(b.GetProperty("by_source").EnumerateArray());
        Assert.Equal(source.Id, by.GetProperty("source_id").GetGuid());
        Assert.Equal(1, by.GetProperty("credits").GetInt64());
        Assert.Equal(amount, by.GetProperty("credited").GetString());
        Assert.Equal(amount, await api.Available(holder, "USD"));
        await api.AssertLedgerVerifies();
    }

    private async Task AssertNothingWritten(IReadOnlyList<Core.Ports.AccountTotals> before, TestSource source, string reference, Guid holder)
    {
        await api.AssertNothingWritten(before);
        await api.AssertHolderUntouched(holder);
        Assert.Null(await api.FindCredit(source.Id, reference));
    }
}
