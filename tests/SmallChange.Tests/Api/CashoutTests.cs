using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// Credit → quote → cash-out → provider → paid → receipt over HTTP, for every method; idempotency; concurrency; failures,
/// returns and redelivery on the sandbox rail; bad quotes. The workers are driven by hand on a manual clock.
/// </summary>
public abstract class CashoutTests(string backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private ApiFixture _api = null!;
    private SandboxOptions _sandbox = new() { SettleDelay = TimeSpan.FromMinutes(1), FailureBps = 0, ReturnBps = 0, ReturnDelay = TimeSpan.FromMinutes(5) };

    public Task InitializeAsync() => Start();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task Start()
    {
        _api = await ApiFixture.StartAsync(o => o with { Clock = _clock, Sandbox = _sandbox }, backend);
    }

    private async Task Restart(SandboxOptions sandbox)
    {
        await _api.DisposeAsync();
        _sandbox = sandbox;
        await Start();
    }

    private CashoutProcessor Processor => _api.App.Services.GetRequiredService<CashoutProcessor>();

    private static readonly Dictionary<string, object> Destinations = new()
    {
        ["bank_transfer"] = new { kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789" },
        ["digital_wallet"] = new { kind = "digital_wallet", country = "US", account_holder_name = "Ava Thompson", email = "ava@example.com" },
        ["prepaid_card"] = new { kind = "prepaid_card", country = "US", account_holder_name = "Ava Thompson", card_number = "4111 1111 1111 1111" },
        ["crypto"] = new { kind = "crypto", country = "US", account_holder_name = "Ava Thompson", network = "ethereum", address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", asset = "USDC" },
    };

    private async Task<Guid> FundedHolder(string amount = "50.00", int tier = 1)
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("fund"), holder_id = holder, amount, currency = "USD" }));
        await Json.Expect(c, HttpStatusCode.Created);
        return holder;
    }

    private async Task<Guid> Destination(Guid holder, string method)
    {
        using var r = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(Destinations[method]));
        var body = await Json.Expect(r, HttpStatusCode.Created);
        Assert.StartsWith("••••", body.GetProperty("masked").GetString()!.Replace("a•••@", "•••• ", StringComparison.Ordinal));
        return body.GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> Quote(Guid holder, string amount = "20.00", string? method = null)
    {
        using var r = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount, currency = "USD", country = "US", method }));
        return await Json.Expect(r, HttpStatusCode.Created);
    }

    private Task<HttpResponseMessage> Cashout(Guid holder, Guid quote, Guid destination, string key, string? provider = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts")
        {
            Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination, provider_id = provider }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return _api.Operator.SendAsync(request);
    }

    private async Task<JsonElement> Get(string path)
    {
        using var r = await _api.Operator.GetAsync(path);
        return await Json.Expect(r, HttpStatusCode.OK);
    }

    private async Task RunPayouts()
    {
        await Processor.DispatchDue(1_000, CancellationToken.None);
        _clock.Advance(_sandbox.SettleDelay + TimeSpan.FromSeconds(1));
        await Processor.Settle(1_000, CancellationToken.None);
    }

    private Task<Account?> FeeAccount() => _api.Store.ReadAsync(r => r.FindAccount(AccountKey.Fees(Currencies.USD)));

    [Theory]
    [InlineData("bank_transfer")]
    [InlineData("digital_wallet")]
    [InlineData("prepaid_card")]
    [InlineData("crypto")]
    public async Task Cashout_EachMethod_PaidWithReceiptFeeBookedAndLedgerVerifies(string method)
    {
        var holder = await FundedHolder("50.000003");
        var destination = await Destination(holder, method);
        var quote = await Quote(holder, "20.004");
        Assert.Equal("20.00", quote.GetProperty("gross").GetProperty("amount").GetString());
        Assert.Equal("0.004", quote.GetProperty("remainder").GetProperty("amount").GetString());
        Assert.Contains(quote.GetProperty("options").EnumerateArray(), o => o.GetProperty("method").GetString() == method);

        using var created = await Cashout(holder, quote.GetProperty("id").GetGuid(), destination, "k-" + method);
        var cashout = await Json.Expect(created, HttpStatusCode.Created);
        Assert.Equal("approved", cashout.GetProperty("state").GetString());
        Assert.Equal(method, cashout.GetProperty("method").GetString());
        var id = cashout.GetProperty("id").GetGuid();
        var gross = cashout.GetProperty("gross").GetProperty("amount").GetString();
        var fee = cashout.GetProperty("fee").GetProperty("amount").GetString()!;
        Assert.Equal("20.00", gross);
        Assert.Equal("30.000003", await _api.Available(holder, "USD")); // held: only the rest is available

        await Processor.DispatchDue(1_000, CancellationToken.None);
        Assert.Equal("submitted", (await Get($"/v1/cashouts/{id}")).GetProperty("state").GetString());
        _clock.Advance(_sandbox.SettleDelay + TimeSpan.FromSeconds(1));
        await Processor.Settle(1_000, CancellationToken.None);

        var receipt = await Get($"/v1/cashouts/{id}/receipt");
        Assert.Equal("paid", receipt.GetProperty("status").GetString());
        Assert.Equal(["requested", "approved", "submitted", "paid"], receipt.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("state").GetString()));
        Assert.Equal(fee, receipt.GetProperty("total_fee").GetProperty("amount").GetString());
        Assert.DoesNotContain("123456789", receipt.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", receipt.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("30.000003", await _api.Available(holder, "USD"));
        var balances = await _api.Balances(holder);
        Assert.Equal("0.00", balances.GetProperty("balances")[0].GetProperty("held").GetString());
        Assert.Equal(Money.Parse(fee, Currencies.USD).Value.Units, (await FeeAccount())!.CreditsPosted);
        var payments = await _api.Store.ReadAsync(r => r.ListSandboxPayments());
        Assert.Equal(1, Assert.Single(payments).Deliveries);
        var verified = await VerifiedReceipts(id);
        Assert.Equal(["cashout_hold", "cashout_post", "cashout_fee"], verified.Select(v => v.Transfer.Reason));
        await _api.AssertLedgerVerifies();
    }

    /// <summary>The cash-out's verifiable receipts, each checked as a holder would offline, against the published keys.</summary>
    private async Task<IReadOnlyList<Core.Audit.Receipt>> VerifiedReceipts(Guid cashout)
    {
        var keys = new Core.Audit.CheckpointVerifier();
        using (var k = await _api.Anonymous.GetAsync("/v1/log/keys"))
        {
            foreach (var key in (await Json.Expect(k, HttpStatusCode.OK)).EnumerateArray())
            {
                keys.Trust(key.GetProperty("public_pem").GetString()!);
            }
        }

        using var r = await _api.Operator.GetAsync($"/v1/cashouts/{cashout}/receipt/verifiable");
        var bundle = await Json.Expect(r, HttpStatusCode.OK);
        var list = new List<Core.Audit.Receipt>();
        foreach (var receipt in bundle.GetProperty("receipts").EnumerateArray())
        {
            var result = Core.Audit.ReceiptVerifier.Verify(receipt.GetRawText(), keys);
            Assert.True(result.IsOk, result.Error?.ToString());
            list.Add(result.Value);
        }

        return list;
    }

    [Fact]
    public async Task Cashout_ReplaySameKey_ReturnsOriginalAndOtherBodyIsConflict()
    {
        var holder = await FundedHolder();
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        using var first = await Cashout(holder, quote, destination, "same-key");
        var original = await Json.Expect(first, HttpStatusCode.Created);
        var before = await _api.Snapshot();

        using var replay = await Cashout(holder, quote, destination, "same-key");
        var replayed = await Json.Expect(replay, HttpStatusCode.OK);
        Assert.Equal(original.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.True(replayed.GetProperty("replayed").GetBoolean());

        var otherQuote = (await Quote(holder, "5.00")).GetProperty("id").GetGuid();
        using var conflict = await Cashout(holder, otherQuote, destination, "same-key");
        await Json.ExpectProblem(conflict, HttpStatusCode.Conflict, "idempotency.conflict");
        await _api.AssertNothingWritten(before);
        Assert.Single((await Get($"/v1/cashouts?holder_id={holder}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Cashout_MissingIdempotencyKey_Rejected400NothingWritten()
    {
        var holder = await FundedHolder();
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        var before = await _api.Snapshot();
        using var r = await _api.Operator.PostAsync("/v1/cashouts", Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }));
        await Json.ExpectProblem(r, HttpStatusCode.BadRequest, "idempotency.key_missing");
        await _api.AssertNothingWritten(before);
    }

    [Fact]
    public async Task Cashout_HundredConcurrentAgainstBalanceForTen_ExactlyTenApproved()
    {
        var holder = await FundedHolder("20.00", tier: 2); // tier 2: 20 cash-outs a day, so only funds limit this
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder, "2.00", "bank_transfer")).GetProperty("id").GetGuid();
        var provider = "sandbox-bank";

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            using var r = await Cashout(holder, quote, destination, $"concurrent-{i}", provider);
            return (r.StatusCode, Body: await r.Content.ReadAsStringAsync());
        })));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var rejected = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(90, rejected.Count);
        Assert.All(rejected, r =>
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains("funds.insufficient", r.Body, StringComparison.Ordinal);
        });
        Assert.Equal("0.00", await _api.Available(holder, "USD"));
        await RunPayouts();
        Assert.Equal("0.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Cashout_ExpiredQuote_422NothingWritten()
    {
        var holder = await FundedHolder();
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        _clock.Advance(TimeSpan.FromMinutes(6));
        var before = await _api.Snapshot();
        using var r = await Cashout(holder, quote, destination, "expired");
        await Json.ExpectProblem(r, HttpStatusCode.UnprocessableEntity, "quote.expired");
        await _api.AssertNothingWritten(before);
        Assert.Empty((await Get($"/v1/cashouts?holder_id={holder}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Cashout_ForeignQuoteOrDestination_404NothingWritten()
    {
        var ava = await FundedHolder();
        var bob = await FundedHolder();
        var avaDestination = await Destination(ava, "bank_transfer");
        var bobDestination = await Destination(bob, "bank_transfer");
        var bobQuote = (await Quote(bob)).GetProperty("id").GetGuid();
        var avaQuote = (await Quote(ava)).GetProperty("id").GetGuid();
        var before = await _api.Snapshot();

        using (var r = await Cashout(ava, bobQuote, avaDestination, "foreign-quote"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "quote.not_found");
        }

        using (var r = await Cashout(ava, avaQuote, bobDestination, "foreign-destination"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "destination.not_found");
        }

        using (var r = await Cashout(ava, Guid.NewGuid(), avaDestination, "unknown-quote"))
        {
            await Json.ExpectProblem(r, HttpStatusCode.NotFound, "quote.not_found");
        }

        await _api.AssertNothingWritten(before);
    }

    [Fact]
    public async Task Cashout_TierZeroHolder_RejectedWithReasonAndNothingHeld()
    {
        var holder = await FundedHolder(tier: 0);
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        using var r = await Cashout(holder, quote, destination, "tier0");
        var problem = await Json.ExpectProblem(r, HttpStatusCode.UnprocessableEntity, "cashout.rejected");
        var cashout = problem.GetProperty("cashout");
        Assert.Equal("rejected", cashout.GetProperty("state").GetString());
        Assert.Equal("kyc.tier_insufficient", cashout.GetProperty("failure_reason").GetString());
        Assert.Contains(cashout.GetProperty("checks").EnumerateArray(), c => c.OptionalString("reason") == "kyc.tier_insufficient");
        Assert.Equal("50.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Cashout_AboveTierLimit_RejectedNamingLimitAndHigherTier()
    {
        var holder = await FundedHolder("1500.00");
        var destination = await Destination(holder, "bank_transfer");
        _clock.Advance(TimeSpan.FromHours(2)); // 80 % of a credit cashed out at once would be held as rapid in-and-out
        var quote = (await Quote(holder, "1200.00", "bank_transfer")).GetProperty("id").GetGuid();
        using var r = await Cashout(holder, quote, destination, "over-limit", "northwind-payouts");
        var problem = await Json.ExpectProblem(r, HttpStatusCode.UnprocessableEntity, "cashout.rejected");
        var cashout = problem.GetProperty("cashout");
        Assert.Equal("limit.per_payout", cashout.GetProperty("failure_reason").GetString());
        var check = cashout.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "limits");
        Assert.Contains("tier 2 would allow it", check.GetProperty("detail").GetString());
        Assert.Equal("1500.00", await _api.Available(holder, "USD"));

        using (var k = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 2 })))
        {
            await Json.Expect(k, HttpStatusCode.OK);
        }

        using var again = await Cashout(holder, quote, destination, "over-limit-tier2", "northwind-payouts");
        Assert.Equal("approved", (await Json.Expect(again, HttpStatusCode.Created)).GetProperty("state").GetString());
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Cashout_ProviderFails_HoldVoidedAndBalanceRestored()
    {
        await Restart(_sandbox with { FailureBps = 10_000 });
        var holder = await FundedHolder();
        var destination = await Destination(holder, "digital_wallet");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        using var r = await Cashout(holder, quote, destination, "fails");
        var id = (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await RunPayouts();
        var c = await Get($"/v1/cashouts/{id}");
        Assert.Equal("failed", c.GetProperty("state").GetString());
        Assert.Equal("sandbox.simulated_failure", c.GetProperty("failure_reason").GetString());
        Assert.Equal("50.00", await _api.Available(holder, "USD"));
        Assert.Equal(0, (await FeeAccount())?.CreditsPosted ?? 0);
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Cashout_ProviderReturnsAfterPaying_PayoutAndFeeReversed()
    {
        await Restart(_sandbox with { ReturnBps = 10_000 });
        var holder = await FundedHolder();
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        using var r = await Cashout(holder, quote, destination, "returns");
        var id = (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await RunPayouts();
        Assert.Equal("paid", (await Get($"/v1/cashouts/{id}")).GetProperty("state").GetString());
        Assert.Equal("30.00", await _api.Available(holder, "USD"));

        _clock.Advance(_sandbox.ReturnDelay);
        await Processor.Settle(1_000, CancellationToken.None);
        var receipt = await Get($"/v1/cashouts/{id}/receipt");
        Assert.Equal("returned", receipt.GetProperty("status").GetString());
        Assert.Equal("50.00", await _api.Available(holder, "USD"));
        var fees = (await FeeAccount())!;
        Assert.Equal(fees.CreditsPosted, fees.DebitsPosted); // the fee was booked, then reversed
        Assert.True(fees.CreditsPosted > 0);
        var verified = await VerifiedReceipts(id);
        Assert.Equal(["cashout_hold", "cashout_post", "cashout_fee", "cashout_return", "cashout_return"], verified.Select(v => v.Transfer.Reason));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Cashout_RedeliveredToProvider_PaidOnce()
    {
        var holder = await FundedHolder();
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        using var r = await Cashout(holder, quote, destination, "redeliver");
        var id = new CashoutId((await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid());

        // A dispatcher claims the item and reaches the provider, then dies before recording it.
        var claimed = await _api.Store.WriteAsync(tx => tx.ClaimOutbox(_clock.GetUtcNow(), TimeSpan.FromSeconds(30), 10));
        Assert.Single(claimed);
        var cashout = (await _api.Store.ReadAsync(x => x.GetCashout(id)))!;
        var dest = (await _api.Store.ReadAsync(x => x.GetDestination(cashout.Destination)))!;
        var rail = _api.App.Services.GetServices<IPayoutRail>().Single(x => x.Name == SandboxRail.RailName);
        await rail.Submit(new PayoutInstruction(id, cashout.ProviderId, cashout.Method, cashout.Net, dest, cashout.CreatedAt), CancellationToken.None);

        // Nothing is dispatched while the lease holds; after it lapses, the item is delivered again.
        Assert.Equal(0, await Processor.DispatchDue(10, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await Processor.DispatchDue(10, CancellationToken.None));
        _clock.Advance(_sandbox.SettleDelay);
        await Processor.Settle(100, CancellationToken.None);
        await Processor.Settle(100, CancellationToken.None);

        var payment = Assert.Single(await _api.Store.ReadAsync(x => x.ListSandboxPayments()));
        Assert.Equal(2, payment.Deliveries);
        Assert.Equal("paid", (await Get($"/v1/cashouts/{id}")).GetProperty("state").GetString());
        Assert.Equal("30.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Cashout_HoldExpiresBeforeDispatch_FailsAndNothingPaid()
    {
        var holder = await FundedHolder();
        var destination = await Destination(holder, "bank_transfer");
        var quote = (await Quote(holder)).GetProperty("id").GetGuid();
        using var r = await Cashout(holder, quote, destination, "expires");
        var id = (await Json.Expect(r, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        _clock.Advance(TimeSpan.FromDays(15));
        var engine = _api.App.Services.GetRequiredService<LedgerEngine>();
        Assert.Single(await _api.Store.WriteAsync(tx => engine.VoidExpired(tx, 100)));
        await RunPayouts();
        var c = await Get($"/v1/cashouts/{id}");
        Assert.Equal("failed", c.GetProperty("state").GetString());
        Assert.Equal("hold.expired", c.GetProperty("failure_reason").GetString());
        Assert.Empty(await _api.Store.ReadAsync(x => x.ListSandboxPayments()));
        Assert.Equal("50.00", await _api.Available(holder, "USD"));
        await _api.AssertLedgerVerifies();
    }

    [Fact]
    public async Task Quote_SmallAmount_WaitAdviceAndCheapestFastestMarked()
    {
        var holder = await FundedHolder("2.00");
        using var r = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "2.00", currency = "USD", country = "US", earning_rate_per_day = "0.25" }));
        var quote = await Json.Expect(r, HttpStatusCode.Created);
        var options = quote.GetProperty("options").EnumerateArray().ToList();
        Assert.Single(options, o => o.GetProperty("cheapest").GetBoolean());
        Assert.Single(options, o => o.GetProperty("fastest").GetBoolean());
        var wait = quote.GetProperty("wait");
        Assert.Equal(JsonValueKind.Object, wait.ValueKind);
        Assert.True(decimal.Parse(wait.GetProperty("target_amount").GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 2.00m);
        Assert.NotNull(wait.OptionalString("projected_at"));
        Assert.Contains(quote.GetProperty("excluded").EnumerateArray(), e => e.GetProperty("provider_id").GetString() == "old-harbor-remit");
    }

    [Fact]
    public async Task Destination_BadChecksums_400WithCodes()
    {
        var holder = await FundedHolder();
        (object Body, string Code)[] cases =
        [
            (new { kind = "bank_account", country = "DE", account_holder_name = "A B", iban = "DE89370400440532013001" }, "destination.iban_checksum"),
            (new { kind = "prepaid_card", country = "US", account_holder_name = "A B", card_number = "4111111111111112" }, "destination.card_luhn"),
            (new { kind = "crypto", country = "US", account_holder_name = "A B", network = "ethereum", address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD" }, "destination.eth_checksum"),
            (new { kind = "bank_account", country = "KR", account_holder_name = "김민준", bank_code = "999", account_number = "1234567890" }, "destination.kr_bank_code"),
            (new { kind = "digital_wallet", country = "US", account_holder_name = "A B", phone = "12345" }, "destination.phone"),
        ];
        foreach (var (body, code) in cases)
        {
            using var r = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(body));
            await Json.ExpectProblem(r, HttpStatusCode.BadRequest, code);
        }

        Assert.Empty((await Get($"/v1/holders/{holder}/destinations")).GetProperty("items").EnumerateArray());
    }
}

public sealed class SqliteCashoutTests() : CashoutTests("sqlite");

public sealed class PostgresCashoutTests() : CashoutTests("postgres");
