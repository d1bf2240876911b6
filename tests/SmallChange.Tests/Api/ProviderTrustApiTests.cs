using System.Net;
using System.Text.Json;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// Provider legitimacy over HTTP: the catalogue with trust scores, reasons, licences and outcomes; a provider whose stored
/// cash-outs fail too often stops being quoted (within the reading's lifetime) and a cash-out through it is refused.
/// </summary>
public abstract class ProviderTrustApiTests(string backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(o => o with { Clock = _clock }, backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<Dictionary<string, JsonElement>> Providers()
    {
        using var r = await _api.Operator.GetAsync("/v1/providers?limit=500");
        var body = await Json.Expect(r, HttpStatusCode.OK);
        return body.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
    }

    private async Task<JsonElement> Quote(Guid holder)
    {
        using var r = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "20.00", currency = "USD", country = "US", method = "bank_transfer" }));
        return await Json.Expect(r, HttpStatusCode.Created);
    }

    private static IEnumerable<string> Quoted(JsonElement quote) => quote.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("provider_id").GetString()!);

    /// <summary>Stores finished cash-outs through <paramref name="provider"/> as if the rail had reported them.</summary>
    private async Task RecordOutcomes(string provider, int paid, int failed)
    {
        var now = _clock.GetUtcNow();
        var gross = Money.FromIsoMinor(10_00, Currencies.USD);
        var option = new QuoteOption(provider, provider, "sandbox", false, PayoutMethod.BankTransfer, gross, [], Money.Zero(Currencies.USD), gross,
            FxRate.One, FxRate.One, 0, Money.Zero(Currencies.USD), gross, Money.Zero(Currencies.USD), gross, 0, TimeSpan.FromHours(1), TimeSpan.FromDays(1),
            now, now, true, true);
        await _api.Store.WriteAsync(async tx =>
        {
            for (var i = 0; i < paid + failed; i++)
            {
                var state = i < paid ? CashoutState.Paid : CashoutState.Failed;
                await tx.InsertCashout(new Cashout(CashoutId.New(), HolderId.New(), QuoteId.New(), DestinationId.New(), provider, PayoutMethod.BankTransfer, state,
                    gross, Money.Zero(Currencies.USD), gross, option, [], TransferId.New(), null, state == CashoutState.Failed ? "provider.rejected" : null, now, now));
            }

            return 0;
        });
    }

    [Fact]
    public async Task GetProviders_ShippedCatalogue_TrustScoreStatusReasonsLicencesAndOutcomes()
    {
        var providers = await Providers();

        var northwind = providers["northwind-payouts"];
        Assert.Equal("active", northwind.GetProperty("status").GetString());
        Assert.Equal(100, northwind.GetProperty("trust_score").GetInt32());
        Assert.True(northwind.GetProperty("quotable").GetBoolean());
        Assert.Empty(northwind.GetProperty("trust_reasons").EnumerateArray());
        Assert.Equal("31000298765432", northwind.GetProperty("licences")[0].GetProperty("number").GetString());
        Assert.Equal(0, northwind.GetProperty("outcomes").GetProperty("failed").GetInt32());
        Assert.False(northwind.GetProperty("outcomes").GetProperty("rates_judged").GetBoolean());

        var harbor = providers["old-harbor-remit"];
        Assert.Equal("suspended", harbor.GetProperty("status").GetString());
        Assert.Equal("active", harbor.GetProperty("configured_status").GetString());
        Assert.Equal(40, harbor.GetProperty("trust_score").GetInt32());
        var reason = Assert.Single(harbor.GetProperty("trust_reasons").EnumerateArray());
        Assert.Equal("provider.licence_expired", reason.GetProperty("code").GetString());
        Assert.Equal(60, reason.GetProperty("points").GetInt32());
        Assert.True(reason.GetProperty("suspends").GetBoolean());
        Assert.False(harbor.GetProperty("licences")[0].GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Quote_ProviderFailingAboveSuspensionLine_NotQuotedAfterReadingExpiresAndCashoutRefused()
    {
        var holder = await _api.CreateHolder();
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 1 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        var source = await _api.CreateSource("USD");
        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount = "50.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using var d = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789",
        }));
        var destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var before = await Quote(holder);
        Assert.Contains("northwind-payouts", Quoted(before));

        // 45 of 100 failed: above the 20 % suspension line. The reading taken for the quote above is still in use.
        await RecordOutcomes("northwind-payouts", paid: 55, failed: 45);
        Assert.Contains("northwind-payouts", Quoted(await Quote(holder)));

        _clock.Advance(Core.Providers.Trust.ProviderTrustService.MaxAge + TimeSpan.FromSeconds(1));
        var after = await Quote(holder);
        Assert.DoesNotContain("northwind-payouts", Quoted(after));
        var excluded = after.GetProperty("excluded").EnumerateArray().Single(e => e.GetProperty("provider_id").GetString() == "northwind-payouts");
        Assert.Equal(["provider.failure_rate_high"], excluded.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("sandbox-bank", Quoted(after));

        // The quote taken before the suspension is still locked, but the cash-out's provider check refuses it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts")
        {
            Content = Json.Body(new { holder_id = holder, quote_id = before.GetProperty("id").GetGuid(), destination_id = destination, provider_id = "northwind-payouts" }),
        };
        request.Headers.Add("Idempotency-Key", ApiFixture.NewRef("suspended"));
        using var r = await _api.Operator.SendAsync(request);
        var problem = await Json.ExpectProblem(r, HttpStatusCode.UnprocessableEntity, "cashout.rejected");
        var check = problem.GetProperty("cashout").GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "provider");
        Assert.Equal("provider.not_quotable", check.GetProperty("reason").GetString());
        Assert.Contains("provider.failure_rate_high", check.GetProperty("detail").GetString());
        Assert.Equal("50.00", await _api.Available(holder, "USD"));

        var listed = (await Providers())["northwind-payouts"];
        Assert.Equal("suspended", listed.GetProperty("status").GetString());
        Assert.Equal(40, listed.GetProperty("trust_score").GetInt32());
        Assert.Equal(45, listed.GetProperty("outcomes").GetProperty("failed").GetInt32());
        Assert.Contains("45 of 100", listed.GetProperty("trust_reasons")[0].GetProperty("detail").GetString());
    }
}

public sealed class SqliteProviderTrustApiTests() : ProviderTrustApiTests("sqlite");
public sealed class PostgresProviderTrustApiTests() : ProviderTrustApiTests("postgres");
