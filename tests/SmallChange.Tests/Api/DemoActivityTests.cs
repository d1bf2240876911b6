using Microsoft.Extensions.DependencyInjection;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Credits;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// The demo's activity (issue 7: every page with real data from <c>serve --demo</c>): past cash-outs paid over months,
/// a held case above four-eyes, a sanctions near match, a pending KYC submission, a CTR and auto cash-out settings, all
/// through the services; and a second start adds nothing.
/// </summary>
public abstract class DemoActivityTests(string backend) : IAsyncLifetime
{
    private ApiFixture _api = null!;

    // As `serve --demo` runs it: the demo host (the sandbox identity verifier decides KYC submissions at once, except tier 2).
    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(o => o with { Demo = true }, backend: backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<(DemoInfo Info, DemoActivityInfo Activity)> Seed()
    {
        var services = _api.App.Services;
        var info = await DemoSeed.Run(_api.Store, services.GetRequiredService<CreditService>(), _api.Clock, CancellationToken.None);
        return (info, await DemoActivity.Run(services, info, CancellationToken.None));
    }

    private Task<IReadOnlyList<Cashout>> Cashouts() => _api.Store.ReadAsync(async r => (await r.ListCashouts(null, null, 500)).Items);

    [Fact]
    public async Task Run_FreshStore_EveryConsoleAndPortalAreaHasData()
    {
        var (info, activity) = await Seed();

        var all = await Cashouts();
        var ava = info.Holders.Single(h => h.ExternalRef == "demo-ava").Id;
        var avas = all.Where(c => c.Holder == ava).ToList();
        Assert.True(avas.Count >= 8, $"{avas.Count} cash-outs for Ava");
        Assert.All(avas, c => Assert.Equal(CashoutState.Paid, c.State));
        Assert.True(avas.Select(c => (c.CreatedAt.Year, c.CreatedAt.Month)).Distinct().Count() >= 4, "Ava's cash-outs span at least four months");
        Assert.True(avas.Min(c => c.CreatedAt) < _api.Clock.GetUtcNow().AddDays(-100));
        Assert.Equal(activity.CashoutsAdded, all.Count(c => c.State != CashoutState.Held));

        var heldCase = await _api.Store.ReadAsync(r => r.GetCase(new CaseId(activity.HeldCase!.Value)));
        Assert.Equal(CaseStatus.Open, heldCase!.Status);
        var held = Assert.Single(all, c => c.State == CashoutState.Held && c.Holder == heldCase.Holder);
        Assert.Null(activity.AwaitingApproval); // no demo officer to ask for the four-eyes release
        Assert.Empty((await _api.Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(), null, 10))).Items);
        Assert.True(_api.App.Services.GetRequiredService<CaseService>().Thresholds.NeedsSecondApprover(held.Gross), "the held cash-out needs four eyes");

        var nearMatch = await _api.Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Case: new CaseId(activity.NearMatchCase!.Value)), null, 10));
        Assert.Contains(nearMatch.Items, a => a.RuleId == ComplianceChecks.SanctionsRuleId);

        var queue = await _api.Store.ReadAsync(r => r.ListKycSubmissions(KycStatus.Pending, null, null, 10));
        Assert.Equal(info.Holders.Single(h => h.ExternalRef == "demo-seoyeon").Id, Assert.Single(queue.Items).Holder);

        var ctr = Assert.Single((await _api.Store.ReadAsync(r => r.ListReports(new ReportFilter(ReportKind.Ctr), null, 10))).Items);
        Assert.Equal("10000.00", ctr.Amount.ToDecimalString());
        var closed = await _api.Store.ReadAsync(r => r.ListCases(new CaseFilter(ctr.Holder, CaseStatus.Closed), null, 10));
        Assert.Equal(CaseDecision.Release, Assert.Single(closed.Items).Decision);
        Assert.All(all.Where(c => c.Holder == ctr.Holder), c => Assert.Equal(CashoutState.Paid, c.State));

        var rule = await _api.Store.ReadAsync(r => r.GetAutoCashoutRule(ava));
        Assert.True(rule is { Enabled: true, Trigger: AutoCashoutTrigger.Threshold });
        Assert.True((await Core.Ledger.LedgerVerifier.Verify(_api.Store)).Ok);
    }

    [Fact]
    public async Task Run_SecondStart_AddsNothing()
    {
        await Seed();
        var cashouts = await Cashouts();
        var totals = await _api.Snapshot();
        var cases = await _api.Store.ReadAsync(r => r.ListCases(new CaseFilter(), null, 100));
        var kyc = await _api.Store.ReadAsync(r => r.ListKycSubmissions(null, null, null, 100));

        var (_, again) = await Seed();

        Assert.Equal(0, again.CashoutsAdded);
        Assert.Equal(cashouts.Select(c => (c.Id, c.State)), (await Cashouts()).Select(c => (c.Id, c.State)));
        Assert.Equal(totals, await _api.Snapshot());
        Assert.Equal(cases.Items.Select(c => (c.Id, c.Status)), (await _api.Store.ReadAsync(r => r.ListCases(new CaseFilter(), null, 100))).Items.Select(c => (c.Id, c.Status)));
        Assert.Equal(kyc.Items.Select(k => k.Id), (await _api.Store.ReadAsync(r => r.ListKycSubmissions(null, null, null, 100))).Items.Select(k => k.Id));
    }

    [Fact]
    public async Task Run_WithDemoStaff_OneReleaseAwaitsTheSecondOfficerAndSecondStartAddsNoOther()
    {
        await DemoStaff.Run(_api.Store, "http://127.0.0.1", _api.Clock.GetUtcNow(), CancellationToken.None);
        var (_, activity) = await Seed();

        var pending = await PendingApprovals();
        var approval = Assert.Single(pending);
        Assert.Equal(activity.AwaitingApproval, approval.Id.Value);
        Assert.Equal(ApprovalKind.CashoutRelease, approval.Kind);
        var first = await Staff(DemoStaff.FirstOfficer);
        Assert.Equal(first.Principal, approval.RequestedBy);
        var olivia = (await _api.Store.ReadAsync(r => r.FindHolderByRef(DemoActivity.OliviaRef)))!;
        var openCase = (await _api.Store.ReadAsync(r => r.FindOpenCase(olivia.Id)))!;
        Assert.Equal(CaseService.SubjectOf(openCase.Id), approval.Subject);
        Assert.NotEqual(activity.HeldCase, openCase.Id.Value); // the visitor's held case stays without a request
        Assert.Null(await _api.Store.ReadAsync(r => r.FindPendingApproval(ApprovalKind.CashoutRelease, CaseService.SubjectOf(new CaseId(activity.HeldCase!.Value)))));
        var cashout = Assert.Single(await Cashouts(), c => c.Holder == olivia.Id);
        Assert.Equal(CashoutState.Held, cashout.State);

        var (_, again) = await Seed();
        Assert.Equal(approval.Id.Value, again.AwaitingApproval);
        Assert.Equal([approval.Id], (await _api.Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(), null, 10))).Items.Select(a => a.Id));

        var fourEyes = _api.App.Services.GetRequiredService<FourEyesService>();
        Assert.False((await fourEyes.Approve(approval.Id, first, null)).TryGet(out _, out _)); // not the requester
        Assert.True((await fourEyes.Approve(approval.Id, await Staff(DemoStaff.SecondOfficer), "Receipts checked.")).TryGet(out _, out var error), error?.Code);
        Assert.NotEqual(CashoutState.Held, (await _api.Store.ReadAsync(r => r.GetCashout(cashout.Id)))!.State);

        var (_, afterApproval) = await Seed(); // decided: a third start files no new request
        Assert.Null(afterApproval.AwaitingApproval);
        Assert.Empty(await PendingApprovals());
        Assert.Single((await _api.Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(), null, 10))).Items);
    }

    private async Task<IReadOnlyList<Approval>> PendingApprovals() =>
        (await _api.Store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(ApprovalStatus.Pending), null, 10))).Items;

    private async Task<StaffUser> Staff(string email) =>
        (await _api.Store.ReadAsync(r => r.FindStaffByEmail(SmallChange.StaffConsole.StaffAccounts.Normalize(email))))!;
}

public sealed class SqliteDemoActivityTests() : DemoActivityTests("sqlite");

public sealed class PostgresDemoActivityTests() : DemoActivityTests("postgres");
