using SmallChange.Adapters.Tests.Reports;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Destinations;
using SmallChange.Core.Fx;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Staff;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// The storage contract for staff accounts, the staff trail, four-eyes requests and approved fee schedules, and the
/// four-eyes rules over it (releases above the threshold, fee schedules), on every backend.
/// </summary>
public abstract class StaffContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private static readonly PayoutSetup Setup = new(
        ProviderCatalog.Parse(File.ReadAllText(Path.Combine(ReportFixtures.Root, "config", "providers.json"))).Value, ReportFixtures.Rates, ReportFixtures.Profiles);

    protected ManualClock Clock { get; } = new();

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private Task Write(Func<IStoreTx, ValueTask> work) => Store.WriteAsync(async tx =>
    {
        await work(tx);
        return 0;
    });

    private async Task<StaffUser> NewStaff(StaffRole role, string? email = null)
    {
        email ??= $"staff{Guid.NewGuid():N}"[..16] + "@example.com";
        var u = new StaffUser(StaffId.New(), new EmailAddress(email), email.ToUpperInvariant(), role, "hash", "stamp-1", null, 0, false, null, null, Clock.GetUtcNow(), null);
        await Write(tx => tx.InsertStaff(u));
        return u;
    }

    private CaseService Cases(ReleaseThresholds? thresholds = null) =>
        new(Store, new LedgerEngine(Clock), new ReportService(Setup, ReportFixtures.Filer, []), Clock, thresholds ?? ReleaseThresholds.Of(Money.Parse("1000.00", Currencies.USD).Value));

    private FourEyesService FourEyes(CaseService cases, EffectiveCatalog? catalog = null) => new(Store, cases, catalog ?? new EffectiveCatalog(Store, Setup.Catalog), Clock);

    /// <summary>A holder with an open case holding one held cash-out of <paramref name="gross"/> USD.</summary>
    private async Task<(HolderId Holder, CaseId Case, CashoutId Cashout)> HeldCase(string gross)
    {
        var h = new Holder(HolderId.New(), "ext-" + Guid.NewGuid().ToString("N"), new PersonName("Ava Thompson"), "US", HolderStatus.Active, 1, Clock.GetUtcNow());
        var v = DestinationValidator.Validate(new DestinationInput
        {
            Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = "Ava Thompson", RoutingNumber = "021000021", AccountNumber = "123456789",
        }).Value;
        var d = Destination.From(DestinationId.New(), h.Id, v, "US", Currencies.USD, Clock.GetUtcNow());
        var g = Money.Parse(gross, Currencies.USD).Value;
        var zero = Money.Zero(Currencies.USD);
        var now = Clock.GetUtcNow();
        var option = new QuoteOption("sandbox-bank", "Sandbox bank", "sandbox", true, PayoutMethod.BankTransfer, g, [], zero, g, FxRate.One, FxRate.One, 0, zero, g, zero, g, 0,
            TimeSpan.FromHours(1), TimeSpan.FromDays(1), now, now, true, true);
        var c = new Cashout(CashoutId.New(), h.Id, QuoteId.New(), d.Id, "sandbox-bank", PayoutMethod.BankTransfer, CashoutState.Held, g, zero, g, option, [], null, null,
            "aml.velocity", now, now);
        var alerts = await Store.WriteAsync(async tx =>
        {
            await tx.InsertHolder(h);
            await tx.InsertDestination(d);
            await tx.InsertCashout(c);
            return await CaseService.File(tx, h.Id, [new AlertDraft("aml.velocity", 1, AmlOutcome.Hold, "fixture", [], AlertSubject.Of(c.Id))], now);
        });
        return (h.Id, alerts[0].Case, c.Id);
    }

    private Task<Cashout?> GetCashout(CashoutId id) => Store.ReadAsync(r => r.GetCashout(id));

    private Approval NewApproval(string subject, StaffUser by) => new(ApprovalId.New(), ApprovalKind.CashoutRelease, subject, "[]", "summary", by.Principal, by.Actor.Display,
        "because", Clock.GetUtcNow(), ApprovalStatus.Pending, null, null, null, null);

    // ---- accounts ---------------------------------------------------------------------------------

    [Fact]
    public async Task InsertStaff_ThenFind_SameFieldsByIdAndEmailAndDuplicateEmailRefused()
    {
        var u = await NewStaff(StaffRole.ComplianceOfficer, "kim@example.com");

        Assert.Equal(u, await Store.ReadAsync(r => r.GetStaff(u.Id)));
        Assert.Equal(u, await Store.ReadAsync(r => r.FindStaffByEmail("KIM@EXAMPLE.COM")));
        Assert.Null(await Store.ReadAsync(r => r.FindStaffByEmail("kim@example.com")));
        await Assert.ThrowsAnyAsync<Exception>(() => NewStaff(StaffRole.Auditor, "kim@example.com"));
        Assert.Equal([u.Id], (await Store.ReadAsync(r => r.ListStaff())).Select(s => s.Id));
    }

    [Fact]
    public async Task IncrementStaffAccessFailed_CountsResetsAndLocks()
    {
        var u = await NewStaff(StaffRole.Auditor);

        Assert.Equal(1, await Store.WriteAsync(tx => tx.IncrementStaffAccessFailed(u.Id)));
        Assert.Equal(2, await Store.WriteAsync(tx => tx.IncrementStaffAccessFailed(u.Id)));
        await Write(tx => tx.ResetStaffAccessFailed(u.Id));
        await Write(tx => tx.SetStaffLockoutEnd(u.Id, Clock.GetUtcNow().AddMinutes(15)));

        var read = (await Store.ReadAsync(r => r.GetStaff(u.Id)))!;
        Assert.Equal(0, read.AccessFailedCount);
        Assert.Equal(Clock.GetUtcNow().AddMinutes(15), read.LockoutEnd);
        Assert.Equal(0, await Store.WriteAsync(tx => tx.IncrementStaffAccessFailed(StaffId.New())));
    }

    [Fact]
    public async Task TryAdvanceStaffTotpStep_SameOrOlderStep_RefusedAsReplay()
    {
        var u = await NewStaff(StaffRole.ComplianceOfficer);

        Assert.True(await Store.WriteAsync(tx => tx.TryAdvanceStaffTotpStep(u.Id, 100)));
        Assert.False(await Store.WriteAsync(tx => tx.TryAdvanceStaffTotpStep(u.Id, 100)));
        Assert.False(await Store.WriteAsync(tx => tx.TryAdvanceStaffTotpStep(u.Id, 99)));
        Assert.True(await Store.WriteAsync(tx => tx.TryAdvanceStaffTotpStep(u.Id, 101)));
        Assert.Equal(101, (await Store.ReadAsync(r => r.GetStaff(u.Id)))!.LastTotpStep);
    }

    [Fact]
    public async Task EnableStaffTwoFactor_NeedsAKeyAndHappensOnce_ThenKeyFrozen()
    {
        var u = await NewStaff(StaffRole.ComplianceOfficer);

        Assert.False(await Store.WriteAsync(tx => tx.EnableStaffTwoFactor(u.Id, "stamp-2")));
        Assert.True(await Store.WriteAsync(tx => tx.SetStaffEnrolmentKey(u.Id, "protected-key")));
        Assert.True(await Store.WriteAsync(tx => tx.EnableStaffTwoFactor(u.Id, "stamp-2")));
        Assert.False(await Store.WriteAsync(tx => tx.EnableStaffTwoFactor(u.Id, "stamp-3")));
        Assert.False(await Store.WriteAsync(tx => tx.SetStaffEnrolmentKey(u.Id, "attacker-key")));

        var read = (await Store.ReadAsync(r => r.GetStaff(u.Id)))!;
        Assert.True(read.TwoFactorEnabled);
        Assert.Equal("protected-key", read.ProtectedAuthenticatorKey);
        Assert.Equal("stamp-2", read.SecurityStamp);
    }

    [Fact]
    public async Task DisableStaff_Once_ChangesStampAndSecondTimeRefused()
    {
        var u = await NewStaff(StaffRole.OperatorAdmin);

        Assert.True(await Store.WriteAsync(tx => tx.DisableStaff(u.Id, "stamp-gone", Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.DisableStaff(u.Id, "stamp-again", Clock.GetUtcNow())));

        var read = (await Store.ReadAsync(r => r.GetStaff(u.Id)))!;
        Assert.False(read.IsActive);
        Assert.Equal("stamp-gone", read.SecurityStamp);
    }

    [Fact]
    public async Task StaffAudit_NewestFirstPagedAndIdsNeverReused()
    {
        var u = await NewStaff(StaffRole.Auditor);
        for (var i = 0; i < 3; i++)
        {
            await Write(tx => tx.InsertStaffAudit(StaffAuditEntry.Of(u.Actor, StaffActions.SignIn, u.Id.ToString(), $"#{i}", Clock.GetUtcNow())));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.ReadAsync(r => r.ListStaffAudit(null, 2));
        var second = await Store.ReadAsync(r => r.ListStaffAudit(first.NextCursor, 2));
        Assert.Equal(["#2", "#1", "#0"], first.Items.Concat(second.Items).Select(e => e.Detail));
        Assert.Null(second.NextCursor);
        await Assert.ThrowsAnyAsync<Exception>(() => Write(tx => tx.InsertStaffAudit(first.Items[0])));
    }

    // ---- requests ---------------------------------------------------------------------------------

    [Fact]
    public async Task InsertApproval_SecondPendingForSameSubject_NotInsertedUntilFirstDecided()
    {
        var a = await NewStaff(StaffRole.ComplianceOfficer);
        var b = await NewStaff(StaffRole.ComplianceOfficer);
        var first = NewApproval("case-1", a);

        Assert.True(await Store.WriteAsync(tx => tx.InsertApproval(first)));
        Assert.False(await Store.WriteAsync(tx => tx.InsertApproval(NewApproval("case-1", b))));
        Assert.Equal(first.Id, (await Store.ReadAsync(r => r.FindPendingApproval(ApprovalKind.CashoutRelease, "case-1")))!.Id);
        Assert.True(await Store.WriteAsync(tx => tx.InsertApproval(NewApproval("case-2", b))));

        Assert.True(await Store.WriteAsync(tx => tx.DecideApproval(first.Id, ApprovalStatus.Rejected, b.Principal, "b", "no", Clock.GetUtcNow())));
        Assert.True(await Store.WriteAsync(tx => tx.InsertApproval(NewApproval("case-1", b))));
        Assert.Equal(2, (await Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(ApprovalStatus.Pending), null, 10))).Items.Count);
    }

    [Fact]
    public async Task DecideApproval_ByRequesterOrTwice_RefusedByTheStore()
    {
        var a = await NewStaff(StaffRole.ComplianceOfficer);
        var b = await NewStaff(StaffRole.ComplianceOfficer);
        var request = NewApproval("case-1", a);
        await Store.WriteAsync(tx => tx.InsertApproval(request));

        Assert.False(await Store.WriteAsync(tx => tx.DecideApproval(request.Id, ApprovalStatus.Approved, a.Principal, "a", null, Clock.GetUtcNow())));
        Assert.True(await Store.WriteAsync(tx => tx.DecideApproval(request.Id, ApprovalStatus.Approved, b.Principal, "b", "ok", Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.DecideApproval(request.Id, ApprovalStatus.Rejected, b.Principal, "b", null, Clock.GetUtcNow())));

        var read = (await Store.ReadAsync(r => r.GetApproval(request.Id)))!;
        Assert.Equal(ApprovalStatus.Approved, read.Status);
        Assert.Equal(b.Principal, read.DecidedBy);
        Assert.Equal("ok", read.DecisionNote);
        Assert.Equal(Clock.GetUtcNow(), read.DecidedAt);
    }

    [Fact]
    public async Task InsertFeeOverride_VersionsGrowAndLatestIsReported()
    {
        var a = await NewStaff(StaffRole.OperatorAdmin);
        Assert.Equal(0, await Store.ReadAsync(r => r.LatestFeeOverrideVersion()));
        var r1 = NewApproval("x/bank_transfer", a) with { Kind = ApprovalKind.FeeSchedule };
        var r2 = NewApproval("y/bank_transfer", a) with { Kind = ApprovalKind.FeeSchedule };
        await Store.WriteAsync(tx => tx.InsertApproval(r1));
        await Store.WriteAsync(tx => tx.InsertApproval(r2));

        var v1 = await Store.WriteAsync(tx => tx.InsertFeeOverride("x", PayoutMethod.BankTransfer, "{}", r1.Id, Clock.GetUtcNow()));
        var v2 = await Store.WriteAsync(tx => tx.InsertFeeOverride("y", PayoutMethod.BankTransfer, "{ }", r2.Id, Clock.GetUtcNow()));

        Assert.True(v2.Version > v1.Version);
        Assert.Equal(v2.Version, await Store.ReadAsync(r => r.LatestFeeOverrideVersion()));
        Assert.Equal([v1, v2], await Store.ReadAsync(r => r.ListFeeOverrides()));
    }

    // ---- four-eyes release --------------------------------------------------------------------------

    [Theory]
    [InlineData("1000.00", false)]
    [InlineData("1000.01", true)]
    public async Task Decide_ReleaseAtAndAboveThreshold_OneOfficerUpToItTwoAbove(string gross, bool needsTwo)
    {
        var officer = await NewStaff(StaffRole.ComplianceOfficer);
        var (_, caseId, cashout) = await HeldCase(gross);

        var r = await Cases().Decide(caseId, CaseDecision.Release, "explained", officer.Actor);

        Assert.True(r.IsOk, r.Error?.ToString());
        Assert.Equal(needsTwo, r.Value.PendingApproval is not null);
        Assert.Equal(needsTwo ? CashoutState.Held : CashoutState.Approved, (await GetCashout(cashout))!.State);
        Assert.Equal(needsTwo ? CaseStatus.Open : CaseStatus.Closed, (await Store.ReadAsync(r => r.GetCase(caseId)))!.Status);
    }

    [Fact]
    public async Task Approve_RequesterHimself_RefusedAndNothingReleased()
    {
        var officer = await NewStaff(StaffRole.ComplianceOfficer);
        var (_, caseId, cashout) = await HeldCase("5000.00");
        var cases = Cases();
        var pending = (await cases.Decide(caseId, CaseDecision.Release, "explained", officer.Actor)).Value.PendingApproval!;

        var again = await cases.Decide(caseId, CaseDecision.Release, "really", officer.Actor);
        var self = await FourEyes(cases).Approve(pending.Id, officer, null);

        Assert.Equal(pending.Id, again.Value.PendingApproval!.Id); // asking twice files one request, and is no approval
        Assert.Equal("approval.self_approval", self.Error!.Code);
        Assert.Equal(CashoutState.Held, (await GetCashout(cashout))!.State);
        Assert.Equal(ApprovalStatus.Pending, (await Store.ReadAsync(r => r.GetApproval(pending.Id)))!.Status);
    }

    [Fact]
    public async Task Approve_WrongRoleOrApiRequester_AuditorAndAdminRefusedSecondOfficerReleases()
    {
        var auditor = await NewStaff(StaffRole.Auditor);
        var admin = await NewStaff(StaffRole.OperatorAdmin);
        var second = await NewStaff(StaffRole.ComplianceOfficer);
        var (_, caseId, cashout) = await HeldCase("5000.00");
        var cases = Cases();
        // Asked for over the API: the key's actor string is the requester.
        var pending = (await cases.Decide(caseId, CaseDecision.Release, "explained", "officer-kim (key:abc)")).Value.PendingApproval!;
        var fourEyes = FourEyes(cases);

        Assert.Equal("auth.forbidden", (await fourEyes.Approve(pending.Id, auditor, null)).Error!.Code);
        Assert.Equal("auth.forbidden", (await fourEyes.Approve(pending.Id, admin, null)).Error!.Code);
        var approved = await fourEyes.Approve(pending.Id, second, "checked the documents");

        Assert.True(approved.IsOk, approved.Error?.ToString());
        Assert.Equal(ApprovalStatus.Approved, approved.Value.Status);
        Assert.Equal(CashoutState.Approved, (await GetCashout(cashout))!.State);
        var c = (await Store.ReadAsync(r => r.GetCase(caseId)))!;
        Assert.Equal(CaseDecision.Release, c.Decision);
        Assert.Contains("approved by", c.DecidedBy, StringComparison.Ordinal);
        var trail = await Store.ReadAsync(r => r.ListStaffAudit(null, 20));
        Assert.Contains(trail.Items, e => e.Action == StaffActions.ReleaseRequested && e.Actor == "officer-kim (key:abc)");
        Assert.Contains(trail.Items, e => e.Action == StaffActions.ReleaseApproved && e.Actor == second.Principal);
    }

    [Fact]
    public async Task Approve_TwoOfficersAtOnce_ExactlyOneReleaseAndOneOutboxItem()
    {
        var requester = await NewStaff(StaffRole.ComplianceOfficer);
        var b = await NewStaff(StaffRole.ComplianceOfficer);
        var c = await NewStaff(StaffRole.ComplianceOfficer);
        var (_, caseId, cashout) = await HeldCase("5000.00");
        var cases = Cases();
        var pending = (await cases.Decide(caseId, CaseDecision.Release, "explained", requester.Actor)).Value.PendingApproval!;
        var fourEyes = FourEyes(cases);

        var results = await Task.WhenAll(Task.Run(() => fourEyes.Approve(pending.Id, b, null)), Task.Run(() => fourEyes.Approve(pending.Id, c, null)));

        Assert.Single(results, r => r.IsOk);
        Assert.Single(results, r => !r.IsOk && r.Error!.Code == "approval.conflict");
        Assert.Equal(CashoutState.Approved, (await GetCashout(cashout))!.State);
        var events = await Store.ReadAsync(r => r.ListCaseEvents(caseId));
        Assert.Single(events, e => e.Action == CaseAction.CashoutReleased);
        Assert.Single(await Store.WriteAsync(tx => tx.ClaimOutbox(Clock.GetUtcNow().AddMinutes(1), TimeSpan.FromSeconds(30), 10)));
    }

    [Fact]
    public async Task Approve_CaseClosedMeanwhile_RefusedAsConflictAndNothingReleased()
    {
        var a = await NewStaff(StaffRole.ComplianceOfficer);
        var b = await NewStaff(StaffRole.ComplianceOfficer);
        var (_, caseId, cashout) = await HeldCase("5000.00");
        var cases = Cases();
        var pending = (await cases.Decide(caseId, CaseDecision.Release, "explained", a.Actor)).Value.PendingApproval!;

        // Closed behind the service's back (the HTTP tests reject through it, which also cancels the request).
        await Store.WriteAsync(tx => tx.CloseCase(caseId, CaseDecision.Reject, "no", b.Principal, Clock.GetUtcNow()));
        var late = await FourEyes(cases).Approve(pending.Id, b, null);

        Assert.Equal("approval.conflict", late.Error!.Code);
        Assert.Equal(CashoutState.Held, (await GetCashout(cashout))!.State);
        Assert.Equal(ApprovalStatus.Pending, (await Store.ReadAsync(r => r.GetApproval(pending.Id)))!.Status);
    }

    // ---- four-eyes fee schedules ----------------------------------------------------------------------

    private const string NewFees = """{ "flat": { "USD": "9.99", "EUR": "9.99", "GBP": "9.99", "KRW": "9990", "JPY": "999" }, "percent_bps": 30, "fx_spread_bps": 50 }""";

    private static (Provider Provider, Offering Offering) FirstOffering() =>
        Setup.Catalog.Providers.Select(p => (p, p.Offerings[0])).First(x => x.Item2.SourceCurrencies.Count > 0);

    [Fact]
    public async Task ProposeFees_NotInForceUntilASecondAdminApproves()
    {
        var proposer = await NewStaff(StaffRole.OperatorAdmin);
        var second = await NewStaff(StaffRole.OperatorAdmin);
        var officer = await NewStaff(StaffRole.ComplianceOfficer);
        var (provider, offering) = FirstOffering();
        var fees = FeeScheduleJson.Write(offering.Fees with { PercentBps = offering.Fees.PercentBps + 17 });
        var catalog = new EffectiveCatalog(Store, Setup.Catalog);
        var fourEyes = FourEyes(Cases(), catalog);

        var proposed = await fourEyes.ProposeFees(provider.Id, offering.Method.ToWireName(), fees, "new contract", proposer);
        Assert.True(proposed.IsOk, proposed.Error?.ToString());
        Assert.Equal(offering.Fees.PercentBps, (await catalog.Current()).Find(provider.Id)!.OfferingFor(offering.Method)!.Fees.PercentBps);

        Assert.Equal("approval.pending_exists", (await fourEyes.ProposeFees(provider.Id, offering.Method.ToWireName(), fees, "again", second)).Error!.Code);
        Assert.Equal("auth.forbidden", (await fourEyes.ProposeFees(provider.Id, offering.Method.ToWireName(), fees, "officer", officer)).Error!.Code);
        Assert.Equal("approval.self_approval", (await fourEyes.Approve(proposed.Value.Id, proposer, null)).Error!.Code);
        Assert.Equal("auth.forbidden", (await fourEyes.Approve(proposed.Value.Id, officer, null)).Error!.Code);
        Assert.Equal(offering.Fees.PercentBps, (await new EffectiveCatalog(Store, Setup.Catalog).Current()).Find(provider.Id)!.OfferingFor(offering.Method)!.Fees.PercentBps);

        var approved = await fourEyes.Approve(proposed.Value.Id, second, "matches the signed contract");

        Assert.True(approved.IsOk, approved.Error?.ToString());
        Assert.Equal(offering.Fees.PercentBps + 17, (await catalog.Current()).Find(provider.Id)!.OfferingFor(offering.Method)!.Fees.PercentBps);
        // Another node, with a catalogue of its own, sees it too.
        Assert.Equal(offering.Fees.PercentBps + 17, (await new EffectiveCatalog(Store, Setup.Catalog).Current()).Find(provider.Id)!.OfferingFor(offering.Method)!.Fees.PercentBps);
        var trail = (await Store.ReadAsync(r => r.ListStaffAudit(null, 10))).Items.Select(e => e.Action).ToList();
        Assert.Contains(StaffActions.FeeProposed, trail);
        Assert.Contains(StaffActions.FeeApproved, trail);
    }

    [Fact]
    public async Task ProposeFees_InvalidOrUnchanged_RefusedWithTheParsersError()
    {
        var admin = await NewStaff(StaffRole.OperatorAdmin);
        var (provider, offering) = FirstOffering();
        var fourEyes = FourEyes(Cases());

        var negative = await fourEyes.ProposeFees(provider.Id, offering.Method.ToWireName(), """{ "percent_bps": -5 }""", "x", admin);
        var unchanged = await fourEyes.ProposeFees(provider.Id, offering.Method.ToWireName(), FeeScheduleJson.Write(offering.Fees), "x", admin);
        var unknown = await fourEyes.ProposeFees("no-such-provider", "bank_transfer", NewFees, "x", admin);

        Assert.Equal("providers.negative_fee", negative.Error!.Code);
        Assert.Equal("fees.unchanged", unchanged.Error!.Code);
        Assert.Equal("provider.not_found", unknown.Error!.Code);
        Assert.Empty((await Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(), null, 10))).Items);
    }
}

public sealed class SqliteStaffContractTests() : StaffContractTests(new SqliteBackend());

public sealed class PostgresStaffContractTests() : StaffContractTests(new PostgresBackend());
