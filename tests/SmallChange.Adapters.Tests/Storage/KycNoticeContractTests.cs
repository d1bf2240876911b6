using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;
using SmallChange.Core.Staff;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>A KYC decision reaches the holder: one activity entry and one inbox message per decision, on every backend.</summary>
public abstract class KycNoticeContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private const string OfficersReason = "Document photo does not match; possible mule account, watch the destinations.";

    private readonly ManualClock _clock = new();
    private IStore _store = null!;

    public async Task InitializeAsync() => _store = await backend.Create(_clock);

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<(KycService Service, HolderId Holder, KycSubmission Submission)> Pending(IIdentityVerifier? verifier = null)
    {
        var holder = new Holder(HolderId.New(), "kyc-" + Guid.NewGuid().ToString("N"), new PersonName("Min-jun Kim"), "KR", HolderStatus.Active, 0, _clock.GetUtcNow());
        await _store.WriteAsync(async tx => { await tx.InsertHolder(holder); return 0; });
        var service = new KycService(_store, verifier ?? new ManualReviewQueue(), _clock);
        var input = new IdentityInput("Min-jun Kim", "1990-04-17", "KR", new AddressInput("12 Sejong-daero", null, "Seoul", null, "04524", "KR"), "passport", "M12345678", null, null);
        var key = Guid.NewGuid().ToString();
        var r = await service.Submit(holder.Id, 1, input, "api-key:submitter", key, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.True(r.IsOk, r.Error?.ToString());
        return (service, holder.Id, r.Value.Submission);
    }

    private async Task<(IReadOnlyList<ActivityEntry> Activity, IReadOnlyList<Core.Notifications.InboxMessage> Inbox)> Told(HolderId holder) =>
        await _store.ReadAsync(async r => ((await r.ListActivity(holder, null, 50)).Items, (await r.ListInbox(holder, null, 50)).Items));

    [Fact]
    public async Task Decide_Approve_ActivityEntryAndInboxMessageOnce()
    {
        var (service, holder, submission) = await Pending();
        Assert.Equal((0, 0), ((await Told(holder)).Activity.Count, (await Told(holder)).Inbox.Count)); // nothing while pending

        Assert.True((await service.Decide(submission.Id, KycDecision.Approve, "Passport checked.", StaffActor.Named("officer"))).IsOk);
        Assert.True((await service.Decide(submission.Id, KycDecision.Approve, "Passport checked.", StaffActor.Named("officer"))).Value.Replayed);

        var (activity, inbox) = await Told(holder);
        var entry = Assert.Single(activity);
        Assert.Equal(ActivityKinds.KycApproved, entry.Kind);
        Assert.Equal("Identity verified", ActivityKinds.Describe(entry.Kind));
        Assert.Contains("tier 1", entry.Detail, StringComparison.Ordinal);
        var message = Assert.Single(inbox);
        Assert.Equal(("Your identity is verified", ActivityKinds.KycApproved), (message.Subject, message.Kind));
        Assert.Null(message.ReadAt);
    }

    [Fact]
    public async Task Decide_Reject_HolderToldWhatToDoButNotTheOfficersReason()
    {
        var (service, holder, submission) = await Pending();

        Assert.True((await service.Decide(submission.Id, KycDecision.Reject, OfficersReason, StaffActor.Named("officer"))).IsOk);

        var (activity, inbox) = await Told(holder);
        Assert.Equal(ActivityKinds.KycRejected, Assert.Single(activity).Kind);
        var message = Assert.Single(inbox);
        Assert.Equal("We could not verify your identity", message.Subject);
        Assert.Contains("The Identity page in the portal says why", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mule", message.Body + activity[0].Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Submit_VerifierDecidesAtOnce_HolderToldOnce()
    {
        var (_, holder, submission) = await Pending(new ScriptedVerifier("idv", VerificationOutcome.Approve));

        Assert.Equal(KycStatus.Approved, submission.Status);
        var (activity, inbox) = await Told(holder);
        Assert.Equal(ActivityKinds.KycApproved, Assert.Single(activity).Kind);
        Assert.Equal(ActivityKinds.KycApproved, Assert.Single(inbox).Kind);
    }
}

public sealed class SqliteKycNoticeContractTests() : KycNoticeContractTests(new SqliteBackend());
public sealed class PostgresKycNoticeContractTests() : KycNoticeContractTests(new PostgresBackend());
