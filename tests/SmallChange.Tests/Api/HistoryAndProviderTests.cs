using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>Wallet history and the provider catalogue, both with cursor pagination.</summary>
public sealed class HistoryAndProviderTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GetTransfers_ManyCredits_PagesNewestFirstEachOnce()
    {
        var source = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        for (var i = 1; i <= 7; i++)
        {
            using var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = $"h-{holder}-{i}", holder_id = holder, amount = $"0.00{i}", currency = "USD" }));
            await Json.Expect(c, HttpStatusCode.Created);
        }

        var amounts = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var r = await api.Operator.GetAsync($"/v1/holders/{holder}/transfers?currency=USD&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            var page = await Json.Expect(r, HttpStatusCode.OK);
            amounts.AddRange(page.GetProperty("items").EnumerateArray().Select(t =>
            {
                Assert.Equal("in", t.GetProperty("direction").GetString());
                Assert.Equal("credit", t.GetProperty("reason").GetString());
                return t.GetProperty("amount").GetString()!;
            }));
            cursor = page.OptionalString("next_cursor");
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["0.007", "0.006", "0.005", "0.004", "0.003", "0.002", "0.001"], amounts);
    }

    [Fact]
    public async Task GetCredit_BySourceRef_OwnerAndOperatorSeeItOthersGet404()
    {
        var source = await api.CreateSource("USD");
        var other = await api.CreateSource("USD");
        var holder = await api.CreateHolder();
        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = "order/42 é", holder_id = holder, amount = "0.25", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        var path = $"/v1/sources/{source.Id}/credit?source_ref={Uri.EscapeDataString("order/42 é")}";
        using (var r = await source.Client.GetAsync(path))
        {
            var credit = await Json.Expect(r, HttpStatusCode.OK);
            Assert.Equal("0.25", credit.GetProperty("amount").GetString());
            Assert.Equal("order/42 é", credit.GetProperty("source_ref").GetString());
        }

        using (var r = await api.Operator.GetAsync(path))
        {
            await Json.Expect(r, HttpStatusCode.OK);
        }

        using (var r = await other.Client.GetAsync(path))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "credit.not_found");
        }

        using (var r = await api.Operator.GetAsync($"/v1/sources/{source.Id}/credit?source_ref=nope"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "credit.not_found");
        }
    }

    [Fact]
    public async Task GetTransfers_UnknownHolderOrCurrency_ProblemCodes()
    {
        using (var r = await api.Operator.GetAsync($"/v1/holders/{Guid.NewGuid()}/transfers?currency=USD"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "holder.not_found");
        }

        var holder = await api.CreateHolder();
        using (var r = await api.Operator.GetAsync($"/v1/holders/{holder}/transfers?currency=XYZ"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "currency.unknown");
        }

        using (var r = await api.Operator.GetAsync($"/v1/holders/{holder}/transfers?currency=USD"))
        {
            var empty = await Json.Expect(r, HttpStatusCode.OK);
            Assert.Empty(empty.GetProperty("items").EnumerateArray());
        }
    }

    [Fact]
    public async Task GetProviders_Paged_EveryProviderOnceWithFlags()
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            using var r = await api.Operator.GetAsync("/v1/providers?limit=4" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var page = await Json.Expect(r, HttpStatusCode.OK);
            foreach (var p in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(p.GetProperty("id").GetString()!);
                if (p.GetProperty("id").GetString() == "old-harbor-remit")
                {
                    Assert.False(p.GetProperty("quotable").GetBoolean());
                    Assert.Contains("provider.licence_expired", p.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
                }
            }

            cursor = page.OptionalString("next_cursor");
        }
        while (cursor is not null);

        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.True(ids.Count >= 12);
        foreach (var method in new[] { "bank_transfer", "digital_wallet", "prepaid_card", "crypto" })
        {
            Assert.Contains($"sandbox-{method.Split('_')[0] switch { "bank" => "bank", "digital" => "wallet", "prepaid" => "card", _ => "crypto" }}", ids);
        }

        using var bad = await api.Operator.GetAsync("/v1/providers?cursor=%21%21");
        await Json.ExpectProblem(bad, HttpStatusCode.BadRequest, "cursor.invalid");
    }
}
