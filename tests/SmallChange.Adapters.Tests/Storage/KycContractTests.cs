using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>An identity verifier that answers as told and counts the calls (stands in for an external provider).</summary>
public sealed class ScriptedVerifier(string name, VerificationOutcome outcome) : IIdentityVerifier
{
    public int Calls { get; private set; }

    public string Name => name;

    public ValueTask<VerificationResult> Verify(KycSubmission submission, CancellationToken ct)
    {
        Calls++;
        return ValueTask.FromResult(new VerificationResult(outcome, $"document check {outcome.ToString().ToLowerInvariant()}", "IDV-" + submission.Id.Value.ToString("N")[..8]));
    }
}

/// <summary>KYC submissions, the review queue, decisions and the history, through <see cref="KycService"/>, on every backend.</summary>
public abstract class KycContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private IStore _store = null!;

    public async Task InitializeAsync() => _store = await backend.Create(_clock);

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private KycService Service(IIdentityVerifier? verifier = null) => new(_store, verifier ?? new ManualReviewQueue(), _clock);

    private static IdentityInput Input(string name = "Min-jun Kim", string? funds = null) => new(
        name, "1990-04-17", "KR", new AddressInput("12 Sejong-daero", "Apt 301", "Seoul", null, "04524", "KR"), "passport", "M12345678", null, funds);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private async Task<HolderId> NewHolder(int tier = 0)
    {
        var h = new Holder(HolderId.New(), "kyc-" + Guid.NewGuid().ToString("N"), new PersonName("Min-jun Kim"), "KR", HolderStatus.Active, tier, _clock.GetUtcNow());
        await _store.WriteAsync(async tx => { await tx.InsertHolder(h); return 0; });
        return h.Id;
    }

    private async Task<KycSubmission> Submit(KycService service, HolderId holder, int tier = 1, string key = "", IdentityInput? input = null)
    {
        var r = await service.Submit(holder, tier, input ?? Input(funds: tier == 2 ? "salary" : null), "api-key:submitter", key.Length > 0 ? key : Guid.NewGuid().ToString(), Hash(key + tier));
        Assert.True(r.IsOk, r.Error?.ToString());
        return r.Value.Submission;
    }

    private Task<int> Tier(HolderId holder) => _store.ReadAsync(async r => (await r.GetHolder(holder))!.KycTier);

    private Task<IReadOnlyList<KycEvent>> History(HolderId holder) => _store.ReadAsync(r => r.ListKycEvents(holder, null));

    [Fact]
    public async Task Submit_ManualQueue_PendingInQueueWithIdentityStoredWhole()
    {
        var holder = await NewHolder();

        var s = await Submit(Service(), holder);

        Assert.Equal(KycStatus.Pending, s.Status);
        Assert.Equal("manual", s.Verifier);
        var stored = await _store.ReadAsync(r => r.GetKycSubmission(s.Id));
        Assert.Equal(s with { SubmittedAt = stored!.SubmittedAt }, stored);
        Assert.Equal("Apt 301", stored.Identity.Address.Line2);
        Assert.Equal(s.Id, (await Service().Queue(null, 10)).Items.Single().Id);
        Assert.Equal([KycAction.Submitted, KycAction.Referred], (await History(holder)).Select(e => e.Action));
        Assert.Equal("verifier:manual", (await History(holder))[1].Actor);
        Assert.Equal(0, await Tier(holder));
    }

    [Fact]
    public async Task Submit_SameKeyTwice_OneSubmissionReplayed_OtherBodyConflicts()
    {
        var holder = await NewHolder();
        var service = Service();
        var first = await service.Submit(holder, 1, Input(), "api-key:a", "key-1", Hash("body-1"));

        var again = await service.Submit(holder, 1, Input(), "api-key:a", "key-1", Hash("body-1"));
        var other = await service.Submit(holder, 1, Input("Someone Else"), "api-key:a", "key-1", Hash("body-2"));

        Assert.True(again.Value.Replayed);
        Assert.Equal(first.Value.Submission.Id, again.Value.Submission.Id);
        Assert.Equal("idempotency.conflict", other.Error!.Code);
        Assert.Single((await service.Queue(null, 10)).Items);
    }

    [Fact]
    public async Task Submit_WhilePendingOrTierHeld_RefusedWritingNothing()
    {
        var holder = await NewHolder();
        var service = Service();
        await Submit(service, holder);

        var second = await service.Submit(holder, 2, Input(funds: "salary"), "api-key:a", "k2", Hash("2"));
        Assert.Equal("kyc.pending_exists", second.Error!.Code);

        var verified = await NewHolder(tier: 1);
        var held = await service.Submit(verified, 1, Input(), "api-key:a", "k3", Hash("3"));
        Assert.Equal("kyc.tier_already_held", held.Error!.Code);
        Assert.Empty(await History(verified));
        Assert.Single((await service.Queue(null, 10)).Items);
    }

    [Fact]
    public async Task Decide_Approve_RaisesTierAndRecordsWhoWhenWhy()
    {
        var holder = await NewHolder();
        var s = await Submit(Service(), holder);
        _clock.Advance(TimeSpan.FromHours(2));

        var r = await Service().Decide(s.Id, KycDecision.Approve, "passport checked against the photo", "api-key:officer-1");

        Assert.False(r.Value.Replayed);
        Assert.Equal(KycStatus.Approved, r.Value.Submission.Status);
        Assert.Equal("api-key:officer-1", r.Value.Submission.DecidedBy);
        Assert.Equal(_clock.GetUtcNow(), r.Value.Submission.DecidedAt);
        Assert.Equal(1, await Tier(holder));
        var history = await History(holder);
        Assert.Equal([1, 2, 3, 4], history.Select(e => e.Sequence));
        Assert.Equal([KycAction.Submitted, KycAction.Referred, KycAction.Approved, KycAction.TierChanged], history.Select(e => e.Action));
        var change = history[3];
        Assert.Equal((0, 1, "api-key:officer-1", _clock.GetUtcNow()), (change.TierFrom!.Value, change.TierTo!.Value, change.Actor, change.At));
        Assert.Equal("passport checked against the photo", history[2].Reason);
        Assert.Empty((await Service().Queue(null, 10)).Items);
        Assert.Equal("Min-jun Kim", (await _store.ReadAsync(x => x.LatestApprovedIdentity(holder)))!.LegalName.Value);
    }

    [Fact]
    public async Task Decide_Reject_TierUnchangedAndHolderMaySubmitAgain()
    {
        var holder = await NewHolder();
        var s = await Submit(Service(), holder);

        var r = await Service().Decide(s.Id, KycDecision.Reject, "document expired", "cli:officer");

        Assert.Equal(KycStatus.Rejected, r.Value.Submission.Status);
        Assert.Equal(0, await Tier(holder));
        Assert.Null(await _store.ReadAsync(x => x.LatestApprovedIdentity(holder)));
        var again = await Submit(Service(), holder);
        Assert.Equal(KycStatus.Pending, again.Status);
        Assert.Equal(2, (await _store.ReadAsync(x => x.ListKycSubmissions(null, holder, null, 10))).Items.Count);
    }

    [Fact]
    public async Task Decide_AlreadyDecided_SameDecisionReplaysOtherConflicts()
    {
        var holder = await NewHolder();
        var s = await Submit(Service(), holder);
        await Service().Decide(s.Id, KycDecision.Approve, "ok", "api-key:o1");

        var same = await Service().Decide(s.Id, KycDecision.Approve, "ok", "api-key:o1");
        var flip = await Service().Decide(s.Id, KycDecision.Reject, "changed my mind", "api-key:o2");

        Assert.True(same.Value.Replayed);
        Assert.Equal("kyc.already_decided", flip.Error!.Code);
        Assert.Equal(4, (await History(holder)).Count);
        Assert.Equal("kyc.not_found", (await Service().Decide(KycSubmissionId.New(), KycDecision.Approve, "x", "a")).Error!.Code);
        Assert.Equal("kyc.reason_invalid", (await Service().Decide(s.Id, KycDecision.Approve, "  ", "a")).Error!.Code);
    }

    [Fact]
    public async Task Decide_ApproveTier1WhenHolderRaisedMeanwhile_TierNotLowered()
    {
        var holder = await NewHolder();
        var s = await Submit(Service(), holder, tier: 1);
        Assert.True((await Service().SetTier(holder, 2, "api-key:admin", "EDD done on paper")).IsOk);

        await Service().Decide(s.Id, KycDecision.Approve, "ok", "api-key:o1");

        Assert.Equal(2, await Tier(holder));
        var history = await History(holder);
        Assert.Equal([KycAction.Submitted, KycAction.Referred, KycAction.TierChanged, KycAction.Approved], history.Select(e => e.Action));
        Assert.Equal("EDD done on paper", history[2].Reason);
        Assert.Null(history[2].Submission);
    }

    [Fact]
    public async Task SetTier_SameTier_NoStepRecorded_UnknownHolderNotFound()
    {
        var holder = await NewHolder(tier: 1);

        Assert.Equal(1, (await Service().SetTier(holder, 1, "api-key:admin", null)).Value.KycTier);
        Assert.Empty(await History(holder));
        Assert.Equal(0, (await Service().SetTier(holder, 0, "api-key:admin", null)).Value.KycTier);
        Assert.Equal("set directly by the operator", Assert.Single(await History(holder)).Reason);
        Assert.Equal("holder.not_found", (await Service().SetTier(HolderId.New(), 1, "a", null)).Error!.Code);
        Assert.Equal("kyc.tier_invalid", (await Service().SetTier(holder, 3, "a", null)).Error!.Code);
    }

    [Fact]
    public async Task Queue_ManyPending_OldestFirstAcrossPages()
    {
        var ids = new List<KycSubmissionId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Submit(Service(), await NewHolder())).Id);
        }

        await Service().Decide(ids[1], KycDecision.Reject, "blurred photo", "api-key:o");
        var seen = new List<KycSubmissionId>();
        string? cursor = null;
        do
        {
            var page = await Service().Queue(cursor, 2);
            seen.AddRange(page.Items.Select(s => s.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        // Oldest first by id: UUIDv7 ids of one millisecond order by their random part (big-endian bytes).
        KycSubmissionId[] pending = [ids[0], ids[2], ids[3], ids[4]];
        Assert.Equal(pending.OrderBy(id => Convert.ToHexString(id.Value.ToByteArray(bigEndian: true)), StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData(VerificationOutcome.Approve, KycStatus.Approved, 1)]
    [InlineData(VerificationOutcome.Reject, KycStatus.Rejected, 0)]
    [InlineData(VerificationOutcome.Refer, KycStatus.Pending, 0)]
    public async Task Submit_ExternalVerifier_DecidesOrLeavesToOfficers(VerificationOutcome outcome, KycStatus status, int tier)
    {
        var holder = await NewHolder();
        var verifier = new ScriptedVerifier("acme-idv", outcome);

        var s = await Submit(Service(verifier), holder);

        Assert.Equal(1, verifier.Calls);
        Assert.Equal(status, s.Status);
        Assert.Equal("acme-idv", s.Verifier);
        Assert.Equal(tier, await Tier(holder));
        var last = (await History(holder)).Where(e => e.Action != KycAction.TierChanged).Last();
        Assert.Equal("verifier:acme-idv", last.Actor);
        Assert.StartsWith($"document check {outcome.ToString().ToLowerInvariant()} (reference IDV-", last.Reason);
        Assert.Equal(status == KycStatus.Pending ? 1 : 0, (await Service(verifier).Queue(null, 10)).Items.Count);
    }

    [Fact]
    public async Task Submit_ReplayWhilePendingWithExternalVerifier_AsksAgain()
    {
        var holder = await NewHolder();
        var verifier = new ScriptedVerifier("acme-idv", VerificationOutcome.Refer);
        var service = Service(verifier);
        await service.Submit(holder, 1, Input(), "api-key:a", "same", Hash("x"));

        var replay = await service.Submit(holder, 1, Input(), "api-key:a", "same", Hash("x"));

        Assert.True(replay.Value.Replayed);
        Assert.Equal(2, verifier.Calls);
        await Service().Submit(holder, 1, Input(), "api-key:a", "same", Hash("x"));
        Assert.Equal(2, verifier.Calls);
    }

    [Fact]
    public async Task InsertKycSubmission_SecondPendingForHolder_Throws()
    {
        var holder = await NewHolder();
        var s = await Submit(Service(), holder);

        await Assert.ThrowsAnyAsync<Exception>(() => _store.WriteAsync(async tx =>
        {
            await tx.InsertKycSubmission(s with { Id = KycSubmissionId.New() });
            return 0;
        }));
    }
}

public sealed class SqliteKycContractTests() : KycContractTests(new SqliteBackend());
public sealed class PostgresKycContractTests() : KycContractTests(new PostgresBackend());
