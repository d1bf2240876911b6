using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmallChange.Adapters.Storage.Sqlite;
using SmallChange.Core.Access;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// KYC over HTTP: a tier-0 holder cannot cash out; identity data submitted on the holder's behalf waits in the review
/// queue; an officer approves with a reason; the tier rises and the cash-out goes through; every step is in the history.
/// </summary>
public abstract class KycApiTests(string backend) : IAsyncLifetime
{
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(backend: backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    internal static object Identity(int tier = 1, string dob = "1990-04-17", string? funds = null) => new
    {
        target_tier = tier,
        legal_name = "Ava Marie Thompson",
        date_of_birth = dob,
        nationality = "US",
        address = new { line1 = "350 Fifth Avenue", line2 = "Suite 2100", city = "New York", region = "NY", postal_code = "10118", country = "US" },
        document_type = "passport",
        document_number = "X12345678",
        source_of_funds = funds,
    };

    internal static Task<HttpResponseMessage> Submit(HttpClient client, Guid holder, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/holders/{holder}/kyc") { Content = Json.Body(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return client.SendAsync(request);
    }

    private Task<HttpResponseMessage> Decide(Guid submission, string decision, string? reason) =>
        _api.Operator.PostAsync($"/v1/compliance/kyc/{submission}/decision", Json.Body(new { decision, reason }));

    private async Task<JsonElement> Get(string path)
    {
        using var r = await _api.Operator.GetAsync(path);
        return await Json.Expect(r, HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> CashOut(Guid holder, Guid destination, string key)
    {
        using var q = await _api.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "20.00", currency = "USD", country = "US", method = "bank_transfer" }));
        var quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts") { Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }) };
        request.Headers.Add("Idempotency-Key", key);
        return await _api.Operator.SendAsync(request);
    }

    [Fact]
    public async Task Kyc_TierZeroSubmitQueueApprove_TierRaisedCashoutAllowedEveryStepRecorded()
    {
        var holder = await _api.CreateHolder();
        var source = await _api.CreateSource("USD");
        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("kyc"), holder_id = holder, amount = "50.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        using var d = await _api.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
        {
            kind = "bank_account", country = "US", account_holder_name = "Ava Thompson", routing_number = "021000021", account_number = "123456789",
        }));
        var destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // Tier 0 receives but never cashes out.
        using (var refused = await CashOut(holder, destination, ApiFixture.NewRef("tier0")))
        {
            var problem = await Json.ExpectProblem(refused, HttpStatusCode.UnprocessableEntity, "cashout.rejected");
            Assert.Equal("kyc.tier_insufficient", problem.GetProperty("cashout").GetProperty("failure_reason").GetString());
        }

        using var s = await Submit(_api.Operator, holder, Identity(), "kyc-1");
        var submitted = await Json.Expect(s, HttpStatusCode.Created);
        var id = submitted.GetProperty("id").GetGuid();
        Assert.Equal("pending", submitted.GetProperty("status").GetString());
        Assert.Equal("manual", submitted.GetProperty("verifier").GetString());
        Assert.Equal("••••5678", submitted.GetProperty("identity").GetProperty("document_number").GetString());

        var queue = await Get("/v1/compliance/kyc/queue");
        var queued = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("Ava Marie Thompson", queued.GetProperty("identity").GetProperty("legal_name").GetString());
        Assert.Equal("••••5678", queued.GetProperty("identity").GetProperty("document_number").GetString());
        var full = await Get($"/v1/compliance/kyc/{id}");
        Assert.Equal("X12345678", full.GetProperty("identity").GetProperty("document_number").GetString());
        Assert.Equal("Suite 2100", full.GetProperty("identity").GetProperty("address").GetProperty("line2").GetString());

        using var approve = await Decide(id, "approve", "passport matches the selfie; address confirmed by utility bill");
        var decided = await Json.Expect(approve, HttpStatusCode.OK);
        Assert.Equal("approved", decided.GetProperty("status").GetString());
        Assert.StartsWith("api-key:", decided.GetProperty("decided_by").GetString());
        Assert.Equal(1, (await Get($"/v1/holders/{holder}")).GetProperty("kyc_tier").GetInt32());
        Assert.DoesNotContain((await Get("/v1/compliance/kyc/queue")).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

        var history = await Get($"/v1/holders/{holder}/kyc");
        Assert.Equal(1, history.GetProperty("kyc_tier").GetInt32());
        var steps = history.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["submitted", "referred", "approved", "tier_changed"], steps.Select(e => e.GetProperty("action").GetString()));
        Assert.All(steps, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("actor").GetString())));
        Assert.Equal("passport matches the selfie; address confirmed by utility bill", steps[2].GetProperty("reason").GetString());
        Assert.Equal((0, 1), (steps[3].GetProperty("tier_from").GetInt32(), steps[3].GetProperty("tier_to").GetInt32()));

        using var allowed = await CashOut(holder, destination, ApiFixture.NewRef("tier1"));
        Assert.Equal("approved", (await Json.Expect(allowed, HttpStatusCode.Created)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Submit_ReplayAndConflicts_AnswerAsDocumented()
    {
        var holder = await _api.CreateHolder();
        using (var noKey = await Submit(_api.Operator, holder, Identity(), null))
        {
            await Json.ExpectProblem(noKey, HttpStatusCode.BadRequest, "idempotency.key_missing");
        }

        using (var badDob = await Submit(_api.Operator, holder, Identity(dob: "17/04/1990"), "k-bad"))
        {
            var p = await Json.ExpectProblem(badDob, HttpStatusCode.BadRequest, "kyc.date_of_birth_invalid");
            Assert.Equal("date_of_birth", p.GetProperty("field").GetString());
        }

        using (var tier2 = await Submit(_api.Operator, holder, Identity(tier: 2), "k-edd"))
        {
            await Json.ExpectProblem(tier2, HttpStatusCode.BadRequest, "kyc.source_of_funds_required");
        }

        using var first = await Submit(_api.Operator, holder, Identity(), "k-1");
        var id = (await Json.Expect(first, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using (var replay = await Submit(_api.Operator, holder, Identity(), "k-1"))
        {
            var again = await Json.Expect(replay, HttpStatusCode.OK);
            Assert.Equal(id, again.GetProperty("id").GetGuid());
            Assert.True(again.GetProperty("replayed").GetBoolean());
        }

        using (var other = await Submit(_api.Operator, holder, Identity(tier: 2, funds: "salary"), "k-1"))
        {
            await Json.ExpectProblem(other, HttpStatusCode.Conflict, "idempotency.conflict");
        }

        using (var pending = await Submit(_api.Operator, holder, Identity(tier: 2, funds: "salary"), "k-2"))
        {
            await Json.ExpectProblem(pending, HttpStatusCode.Conflict, "kyc.pending_exists");
        }

        using (var noReason = await Decide(id, "approve", " "))
        {
            await Json.ExpectProblem(noReason, HttpStatusCode.BadRequest, "kyc.reason_invalid");
        }

        using (var badDecision = await Decide(id, "maybe", "hmm"))
        {
            await Json.ExpectProblem(badDecision, HttpStatusCode.BadRequest, "kyc.decision_invalid");
        }

        using (var reject = await Decide(id, "reject", "document number does not match the scan"))
        {
            Assert.Equal("rejected", (await Json.Expect(reject, HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        using (var flip = await Decide(id, "approve", "on second thought"))
        {
            await Json.ExpectProblem(flip, HttpStatusCode.Conflict, "kyc.already_decided");
        }

        using (var unknown = await Decide(Guid.NewGuid(), "approve", "x"))
        {
            await Json.ExpectProblem(unknown, HttpStatusCode.NotFound, "kyc.not_found");
        }

        using (var missingHolder = await Submit(_api.Operator, Guid.NewGuid(), Identity(), "k-3"))
        {
            await Json.ExpectProblem(missingHolder, HttpStatusCode.NotFound, "holder.not_found");
        }

        Assert.Equal(0, (await Get($"/v1/holders/{holder}")).GetProperty("kyc_tier").GetInt32());
    }

    [Fact]
    public async Task PutKyc_OperatorOverride_RecordedWithReasonThenSubmitForHeldTierConflicts()
    {
        var holder = await _api.CreateHolder();
        using (var put = await _api.Operator.PutAsync($"/v1/holders/{holder}/kyc", Json.Body(new { tier = 2, reason = "verified in branch, file 2026-114" })))
        {
            Assert.Equal(2, (await Json.Expect(put, HttpStatusCode.OK)).GetProperty("kyc_tier").GetInt32());
        }

        var step = Assert.Single((await Get($"/v1/holders/{holder}/kyc")).GetProperty("history").EnumerateArray());
        Assert.Equal("tier_changed", step.GetProperty("action").GetString());
        Assert.Equal("verified in branch, file 2026-114", step.GetProperty("reason").GetString());
        using var held = await Submit(_api.Operator, holder, Identity(tier: 2, funds: "salary"), "k-held");
        await Json.ExpectProblem(held, HttpStatusCode.Conflict, "kyc.tier_already_held");
    }

    [Fact]
    public async Task KycRoutes_SourceKey_Return404()
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        using (var q = await source.Client.GetAsync("/v1/compliance/kyc/queue"))
        {
            await Json.ExpectProblem(q, HttpStatusCode.NotFound, "resource.not_found");
        }

        using (var s = await Submit(source.Client, holder, Identity(), "by-source"))
        {
            await Json.ExpectProblem(s, HttpStatusCode.NotFound, "resource.not_found");
        }

        Assert.Empty((await Get($"/v1/holders/{holder}/kyc")).GetProperty("submissions").EnumerateArray());
    }
}

public sealed class SqliteKycApiTests() : KycApiTests("sqlite");
public sealed class PostgresKycApiTests() : KycApiTests("postgres");

/// <summary>An external identity verifier picked by configuration decides instead of the queue; nothing personal reaches the logs.</summary>
public sealed class KycExternalVerifierTests
{
    private sealed class ApprovingVerifier : IIdentityVerifier
    {
        public string Name => "acme-idv";

        public ValueTask<VerificationResult> Verify(KycSubmission submission, CancellationToken ct) =>
            ValueTask.FromResult(new VerificationResult(VerificationOutcome.Approve, "document and liveness checks passed", "ACME-77"));
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + " " + exception);

        public void Dispose()
        {
        }
    }

    private static async Task<(WebApplication App, HttpClient Client, IStore Store)> Start(TempDir dir, string? verifier, ConcurrentQueue<string> logs)
    {
        var store = SqliteStore.Open(dir.File("kyc.db"));
        await store.MigrateAsync();
        var op = ApiKeys.Issue(ApiKeyScope.Operator, null, "kyc test", DateTimeOffset.UtcNow);
        await store.WriteAsync(async tx => { await tx.InsertApiKey(op.Record); return 0; });
        var app = SmallChangeHost.Build(new ServeOptions(dir.File("kyc.db"), "http://127.0.0.1:0", RunWorkers: false), store, b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<IIdentityVerifier, ApprovingVerifier>();
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(new CapturingLogger(logs));
            if (verifier is not null)
            {
                b.Configuration["SmallChange:Kyc:Verifier"] = verifier;
            }
        });
        await app.StartAsync();
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", op.Plaintext);
        return (app, client, store);
    }

    [Fact]
    public async Task Submit_ConfiguredExternalVerifierApproves_TierRaisedByVerifierNoPersonalDataLogged()
    {
        using var dir = new TempDir("kyc-idv");
        var logs = new ConcurrentQueue<string>();
        var (app, client, store) = await Start(dir, "acme-idv", logs);
        await using (app)
        await using (store)
        {
            using var h = await client.PostAsync("/v1/holders", Json.Body(new { external_ref = ApiFixture.NewRef("idv"), name = "Ava Thompson", country = "US" }));
            var holder = (await Json.Expect(h, HttpStatusCode.Created)).GetProperty("id").GetGuid();

            using var s = await KycApiTests.Submit(client, holder, KycApiTests.Identity(), "idv-1");
            var submission = await Json.Expect(s, HttpStatusCode.Created);

            Assert.Equal("approved", submission.GetProperty("status").GetString());
            Assert.Equal("acme-idv", submission.GetProperty("verifier").GetString());
            Assert.Equal("verifier:acme-idv", submission.GetProperty("decided_by").GetString());
            Assert.Equal("document and liveness checks passed (reference ACME-77)", submission.GetProperty("decision_reason").GetString());
            using var got = await client.GetAsync($"/v1/holders/{holder}");
            Assert.Equal(1, (await Json.Expect(got, HttpStatusCode.OK)).GetProperty("kyc_tier").GetInt32());
            await app.StopAsync();
        }

        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, l => l.Contains("Thompson", StringComparison.Ordinal) || l.Contains("X12345678", StringComparison.Ordinal)
            || l.Contains("1990-04-17", StringComparison.Ordinal) || l.Contains("Fifth Avenue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_UnknownVerifierConfigured_FailsNamingTheChoices()
    {
        using var dir = new TempDir("kyc-idv");
        var (app, client, store) = await Start(dir, "nobody", new ConcurrentQueue<string>());
        await using (app)
        await using (store)
        {
            var e = Assert.Throws<ConfigurationException>(() => app.Services.GetRequiredService<KycService>());
            Assert.Contains("manual, sandbox, acme-idv", e.Message, StringComparison.Ordinal);
        }
    }
}
