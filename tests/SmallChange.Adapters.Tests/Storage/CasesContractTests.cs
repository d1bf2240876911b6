using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Credits;
using SmallChange.Core.Destinations;
using SmallChange.Core.Fx;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract for alerts, cases and their trail, the decision archive, reports and the AML reads, on every backend.</summary>
public abstract class CasesContractTests(IStoreBackend backend) : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await backend.Create(Clock);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private Task Write(Func<IStoreTx, ValueTask> work) => Store.WriteAsync(async tx =>
    {
        await work(tx);
        return 0;
    });

    private async Task<Holder> NewHolder(string country = "US")
    {
        var h = new Holder(HolderId.New(), "ext-" + Guid.NewGuid().ToString("N"), new PersonName("Ava Thompson"), country, HolderStatus.Active, 1, Clock.GetUtcNow());
        await Write(tx => tx.InsertHolder(h));
        return h;
    }

    private static AlertDraft Draft(string rule = "aml.velocity", AmlOutcome outcome = AmlOutcome.Hold, AlertSubject? subject = null) =>
        new(rule, 1, outcome, "3 cash-outs within 60m", [new AlertFigure("count", "4"), new AlertFigure("max_count", "3")], subject ?? AlertSubject.Of(CashoutId.New()));

    private Task<IReadOnlyList<Alert>> File(HolderId holder, params AlertDraft[] drafts) =>
        Store.WriteAsync(tx => CaseService.File(tx, holder, drafts, Clock.GetUtcNow()));

    [Fact]
    public async Task File_NoOpenCase_OpensOneWithAlertsAndTrail()
    {
        var h = await NewHolder();

        var alerts = await File(h.Id, Draft(), Draft("aml.structuring"));

        var c = await Store.ReadAsync(r => r.FindOpenCase(h.Id));
        Assert.NotNull(c);
        Assert.Equal(CaseStatus.Open, c.Status);
        Assert.Equal(2, c.AlertCount);
        Assert.All(alerts, a => Assert.Equal(c.Id, a.Case));
        AssertSame(alerts[0], await Store.ReadAsync(r => r.GetAlert(alerts[0].Id)));
        var trail = await Store.ReadAsync(r => r.ListCaseEvents(c.Id));
        Assert.Equal([CaseAction.Opened, CaseAction.AlertAdded, CaseAction.AlertAdded], trail.Select(e => e.Action));
        Assert.Equal([1, 2, 3], trail.Select(e => e.Sequence));
        Assert.All(trail, e => Assert.Equal(Actors.System, e.Actor));
    }

    private static void AssertSame(Alert expected, Alert? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Figures = [] }, actual with { Figures = [] });
        Assert.Equal(expected.Figures, actual.Figures);
    }

    [Fact]
    public async Task File_OpenCaseExists_JoinsItAndCountsThere()
    {
        var h = await NewHolder();
        var first = await File(h.Id, Draft());
        Clock.Advance(TimeSpan.FromMinutes(5));

        var second = await File(h.Id, Draft("aml.fan_in", subject: AlertSubject.Of(TransferId.New())));

        Assert.Equal(first[0].Case, second[0].Case);
        Assert.Equal(2, (await Store.ReadAsync(r => r.GetCase(first[0].Case)))!.AlertCount);
        Assert.Single((await Store.ReadAsync(r => r.ListCases(new CaseFilter(Holder: h.Id), null, 10))).Items);
    }

    [Fact]
    public async Task InsertCase_SecondOpenCaseForHolder_RefusedByTheStore()
    {
        var h = await NewHolder();
        await File(h.Id, Draft());

        var now = Clock.GetUtcNow();
        await Assert.ThrowsAnyAsync<Exception>(() => Write(tx => tx.InsertCase(new Case(CaseId.New(), h.Id, CaseStatus.Open, null, 0, null, null, null, null, now, now))));
        Assert.Single((await Store.ReadAsync(r => r.ListCases(new CaseFilter(Holder: h.Id), null, 10))).Items);
    }

    [Fact]
    public async Task CloseCase_Once_ClosesAndSecondCloseOrAssignChangesNothing()
    {
        var h = await NewHolder();
        var caseId = (await File(h.Id, Draft()))[0].Case;
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await Store.WriteAsync(tx => tx.AssignCase(caseId, "officer-1", Clock.GetUtcNow())));
        Assert.True(await Store.WriteAsync(tx => tx.CloseCase(caseId, CaseDecision.Reject, "mule pattern", "officer-1", Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.CloseCase(caseId, CaseDecision.Release, "changed my mind", "officer-2", Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.AssignCase(caseId, "officer-2", Clock.GetUtcNow())));

        var c = (await Store.ReadAsync(r => r.GetCase(caseId)))!;
        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Equal(CaseDecision.Reject, c.Decision);
        Assert.Equal("mule pattern", c.DecisionReason);
        Assert.Equal("officer-1", c.DecidedBy);
        Assert.Equal("officer-1", c.Assignee);
        Assert.Equal(Clock.GetUtcNow(), c.DecidedAt);
        Assert.Null(await Store.ReadAsync(r => r.FindOpenCase(h.Id)));

        // The next alert opens a new case.
        var next = await File(h.Id, Draft());
        Assert.NotEqual(caseId, next[0].Case);
    }

    [Fact]
    public async Task InsertAlert_CaseDecidedMeanwhile_RefusedAndNothingWritten()
    {
        var h = await NewHolder();
        var first = (await File(h.Id, Draft()))[0];
        await Store.WriteAsync(tx => tx.CloseCase(first.Case, CaseDecision.Release, "ordinary", "officer-1", Clock.GetUtcNow()));

        var late = first with { Id = AlertId.New() };
        Assert.False(await Store.WriteAsync(tx => tx.InsertAlert(late)));

        Assert.Null(await Store.ReadAsync(r => r.GetAlert(late.Id)));
        Assert.Equal(1, (await Store.ReadAsync(r => r.GetCase(first.Case)))!.AlertCount);
    }

    [Fact]
    public async Task InsertAlert_OtherHoldersCase_Refused()
    {
        var a = await NewHolder();
        var b = await NewHolder();
        var alert = (await File(a.Id, Draft()))[0];

        Assert.False(await Store.WriteAsync(tx => tx.InsertAlert(alert with { Id = AlertId.New(), Holder = b.Id })));
    }

    [Fact]
    public async Task ListAlerts_Filters_MatchOnlyAndPageNewestFirst()
    {
        var a = await NewHolder();
        var b = await NewHolder();
        var start = Clock.GetUtcNow();
        var filed = new List<Alert>();
        for (var i = 0; i < 5; i++)
        {
            filed.AddRange(await File(a.Id, Draft(i % 2 == 0 ? "aml.velocity" : "aml.travel_rule", i % 2 == 0 ? AmlOutcome.Hold : AmlOutcome.Reject)));
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await File(b.Id, Draft());

        var page1 = await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: a.Id), null, 2));
        var page2 = await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: a.Id), page1.NextCursor, 2));
        var page3 = await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: a.Id), page2.NextCursor, 2));
        // Newest first by id: UUIDv7 order (its bytes), which within one millisecond is not the order of creation.
        Assert.Equal(filed.Select(x => x.Id).OrderByDescending(x => Convert.ToHexString(x.Value.ToByteArray(bigEndian: true)), StringComparer.Ordinal),
            page1.Items.Concat(page2.Items).Concat(page3.Items).Select(x => x.Id));
        Assert.Null(page3.NextCursor);

        Assert.Equal(2, (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: a.Id, RuleId: "aml.travel_rule"), null, 50))).Items.Count);
        Assert.Equal(2, (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Outcome: AmlOutcome.Reject), null, 50))).Items.Count);
        Assert.Equal(2, (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: a.Id, Since: start.AddMinutes(3)), null, 50))).Items.Count);
        Assert.Equal(3, (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: a.Id, Until: start.AddMinutes(3)), null, 50))).Items.Count);
        Assert.Equal(5, (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Case: filed[0].Case), null, 50))).Items.Count);
        Assert.Equal(6, (await Store.ReadAsync(r => r.ListAlerts(new AlertFilter(), null, 50))).Items.Count);
    }

    [Fact]
    public async Task ListCases_StatusAndAssigneeFilters_MatchOnly()
    {
        var a = await NewHolder();
        var b = await NewHolder();
        var ca = (await File(a.Id, Draft()))[0].Case;
        var cb = (await File(b.Id, Draft()))[0].Case;
        await Store.WriteAsync(tx => tx.AssignCase(ca, "officer-1", Clock.GetUtcNow()));
        await Store.WriteAsync(tx => tx.CloseCase(cb, CaseDecision.Release, "ordinary", "officer-2", Clock.GetUtcNow()));

        Assert.Equal([ca], (await Store.ReadAsync(r => r.ListCases(new CaseFilter(Status: CaseStatus.Open), null, 10))).Items.Select(c => c.Id));
        Assert.Equal([cb], (await Store.ReadAsync(r => r.ListCases(new CaseFilter(Status: CaseStatus.Closed), null, 10))).Items.Select(c => c.Id));
        Assert.Equal([ca], (await Store.ReadAsync(r => r.ListCases(new CaseFilter(Assignee: "officer-1"), null, 10))).Items.Select(c => c.Id));
        Assert.Equal(new[] { ca, cb }.OrderByDescending(x => Convert.ToHexString(x.Value.ToByteArray(bigEndian: true)), StringComparer.Ordinal),
            (await Store.ReadAsync(r => r.ListCases(new CaseFilter(), null, 10))).Items.Select(c => c.Id));
    }

    [Fact]
    public async Task AppendCaseEvent_NoteWithDetail_ReadBackInOrder()
    {
        var h = await NewHolder();
        var caseId = (await File(h.Id, Draft()))[0].Case;

        var e = await Store.WriteAsync(tx => tx.AppendCaseEvent(caseId, CaseAction.Noted, "officer-1", "Called the holder; explanation pending.", Clock.GetUtcNow()));

        Assert.Equal(3, e.Sequence);
        var trail = await Store.ReadAsync(r => r.ListCaseEvents(caseId));
        Assert.Equal(e, trail[^1]);
    }

    [Fact]
    public async Task InsertAmlEvaluation_ThenList_RoundTripsEveryDecisionAndFigure()
    {
        var h = await NewHolder();
        var subject = AlertSubject.Of(CashoutId.New());
        var decisions = new List<DecisionRecord>
        {
            new("aml.large_amount", 1, AmlOutcome.Allow, "USD 10.00 is under the large-amount line of USD 5000.00.", [new("amount", "USD 10.00"), new("single_amount", "USD 5000.00")]),
            new("aml.velocity", 2, AmlOutcome.Hold, "4 cash-outs within 60m", [new("count", "4")]),
        };

        await Write(tx => tx.InsertAmlEvaluation(new AmlEvaluation(subject, h.Id, AmlOutcome.Hold, decisions, Clock.GetUtcNow())));

        var stored = Assert.Single(await Store.ReadAsync(r => r.ListAmlEvaluations(subject)));
        Assert.Equal(AmlOutcome.Hold, stored.Outcome);
        Assert.Equal(h.Id, stored.Holder);
        Assert.Equal(Clock.GetUtcNow(), stored.EvaluatedAt);
        Assert.Equal(decisions.Count, stored.Decisions.Count);
        for (var i = 0; i < decisions.Count; i++)
        {
            Assert.Equal(decisions[i].RuleId, stored.Decisions[i].RuleId);
            Assert.Equal(decisions[i].RuleVersion, stored.Decisions[i].RuleVersion);
            Assert.Equal(decisions[i].Outcome, stored.Decisions[i].Outcome);
            Assert.Equal(decisions[i].Explanation, stored.Decisions[i].Explanation);
            Assert.Equal(decisions[i].Figures, stored.Decisions[i].Figures);
        }

        Assert.Empty(await Store.ReadAsync(r => r.ListAmlEvaluations(AlertSubject.Of(CashoutId.New()))));
    }

    private StoredReport Report(HolderId holder, string reference, long units) => new(
        ReportId.New(), ReportKind.Ctr, reference, holder, "US", null, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1),
        new Money(units, Currencies.USD), 2, ReportStatus.Ready, 1, ["csv"], Clock.GetUtcNow(), Clock.GetUtcNow());

    [Fact]
    public async Task SaveReport_SameReferenceWhileReady_ReplacesContentAndBumpsRevision()
    {
        var h = await NewHolder();
        var first = await Store.WriteAsync(tx => tx.SaveReport(Report(h.Id, "CTR-US-20261101-x", 10_000_000_000), [new ReportFile("csv", "a.csv", "text/csv", [1, 2, 3])]));
        Clock.Advance(TimeSpan.FromHours(1));

        var second = await Store.WriteAsync(tx => tx.SaveReport(Report(h.Id, "CTR-US-20261101-x", 12_000_000_000) with { TransactionCount = 3 },
            [new ReportFile("csv", "b.csv", "text/csv", [4, 5])]));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Revision);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), second.UpdatedAt);
        Assert.Equal(12_000_000_000, second.Amount.Units);
        Assert.Equal(3, second.TransactionCount);
        var file = await Store.ReadAsync(r => r.GetReportFile(first.Id, "csv"));
        Assert.Equal("b.csv", file!.FileName);
        Assert.Equal([4, 5], file.Content);
        Assert.Null(await Store.ReadAsync(r => r.GetReportFile(first.Id, "fincen-bsa-xml")));
        var found = (await Store.ReadAsync(r => r.FindReport("CTR-US-20261101-x")))!;
        Assert.Equal(second with { Formats = [] }, found with { Formats = [] });
        Assert.Equal(["csv"], found.Formats);
    }

    [Fact]
    public async Task SaveReport_AfterFiled_NothingChanges()
    {
        var h = await NewHolder();
        var r1 = (await Store.WriteAsync(tx => tx.SaveReport(Report(h.Id, "CTR-US-20261101-y", 10_000_000_000), [new ReportFile("csv", "a.csv", "text/csv", [1])])))!;

        Assert.True(await Store.WriteAsync(tx => tx.MarkReportFiled(r1.Id, Clock.GetUtcNow())));
        Assert.False(await Store.WriteAsync(tx => tx.MarkReportFiled(r1.Id, Clock.GetUtcNow())));
        Assert.Null(await Store.WriteAsync(tx => tx.SaveReport(Report(h.Id, "CTR-US-20261101-y", 20_000_000_000), [new ReportFile("csv", "b.csv", "text/csv", [2])])));

        var stored = (await Store.ReadAsync(r => r.GetReport(r1.Id)))!;
        Assert.Equal(ReportStatus.Filed, stored.Status);
        Assert.Equal(10_000_000_000, stored.Amount.Units);
        Assert.Equal([1], (await Store.ReadAsync(r => r.GetReportFile(r1.Id, "csv")))!.Content);
        Assert.Single((await Store.ReadAsync(r => r.ListReports(new ReportFilter(Status: ReportStatus.Filed), null, 10))).Items);
        Assert.Empty((await Store.ReadAsync(r => r.ListReports(new ReportFilter(Kind: ReportKind.Sar), null, 10))).Items);
    }

    // ---- AML reads ---------------------------------------------------------------------------------

    private async Task<SourceId> NewSource(SourceType type = SourceType.CreatorEarnings)
    {
        var s = new Source(SourceId.New(), "Test source", type, [Currencies.USD, Currencies.EUR], Clock.GetUtcNow());
        await Write(tx => tx.InsertSource(s));
        return s.Id;
    }

    private async Task<TransferId> Credit(SourceId source, HolderId holder, string amount, Currency currency)
    {
        var svc = new CreditService(Store, new AccountDirectory(Store), Clock);
        var r = await svc.Apply(source, [new CreditCommand(Guid.NewGuid().ToString("N"), new HolderRef(holder, null), Money.Parse(amount, currency).Value, Clock.GetUtcNow())], false);
        return r.Value[0].Credit!.TransferId;
    }

    private async Task<Destination> NewDestination(HolderId holder, string accountNumber = "123456789", string country = "US")
    {
        var v = DestinationValidator.Validate(new DestinationInput
        {
            Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = "Ava Thompson", RoutingNumber = "021000021", AccountNumber = accountNumber,
        }).Value;
        var d = Destination.From(DestinationId.New(), holder, v, country, Currencies.USD, Clock.GetUtcNow());
        await Write(tx => tx.InsertDestination(d));
        return d;
    }

    private async Task<Cashout> NewCashout(HolderId holder, Destination d, string gross, CashoutState state)
    {
        var g = Money.Parse(gross, Currencies.USD).Value;
        var zero = Money.Zero(Currencies.USD);
        var now = Clock.GetUtcNow();
        var option = new QuoteOption("sandbox-bank", "Sandbox bank", "sandbox", true, PayoutMethod.BankTransfer, g, [], zero, g, FxRate.One, FxRate.One, 0, zero, g, zero, g, 0,
            TimeSpan.FromHours(1), TimeSpan.FromDays(1), now, now, true, true);
        var c = new Cashout(CashoutId.New(), holder, QuoteId.New(), d.Id, "sandbox-bank", PayoutMethod.BankTransfer, state, g, zero, g, option, [], null, null, null, now, now);
        await Write(tx => tx.InsertCashout(c));
        return c;
    }

    [Fact]
    public async Task AmlHistory_CreditsAndCountedCashoutsInWindow_WithLastActivityBefore()
    {
        var h = await NewHolder();
        var carrier = await NewSource(SourceType.CarrierRefund);
        await Write(tx => tx.SetSourceFunding(carrier, CreditFunding.CarrierBilling, Clock.GetUtcNow()));
        var creator = await NewSource();
        var d = await NewDestination(h.Id);
        var t0 = Clock.GetUtcNow();
        await Credit(creator, h.Id, "5.00", Currencies.USD);               // t0: before the window
        Clock.Advance(TimeSpan.FromDays(2));
        await NewCashout(h.Id, d, "1.00", CashoutState.Paid);              // t0+2d: before the window, the last activity before it
        Clock.Advance(TimeSpan.FromDays(8));
        var since = Clock.GetUtcNow();
        await Credit(carrier, h.Id, "7.00", Currencies.USD);               // in
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Credit(creator, h.Id, "3.00", Currencies.EUR);               // in, other wallet
        await NewCashout(h.Id, d, "2.00", CashoutState.Held);              // in, counted
        await NewCashout(h.Id, d, "4.00", CashoutState.Rejected);          // in, not counted
        await NewCashout(h.Id, d, "5.00", CashoutState.Failed);            // in, not counted
        Clock.Advance(TimeSpan.FromMinutes(10));
        var until = Clock.GetUtcNow();
        await Credit(creator, h.Id, "9.00", Currencies.USD);               // at until: not in
        await NewCashout(h.Id, d, "6.00", CashoutState.Approved);          // at until: not in

        var history = await Store.ReadAsync(r => r.AmlHistory(h.Id, since, until));

        Assert.Equal(["USD 7.00", "EUR 3.00"], history.Credits.Select(c => c.Amount.ToString()));
        Assert.Equal([CreditFunding.CarrierBilling, CreditFunding.Unknown], history.Credits.Select(c => c.Funding));
        Assert.Equal([SourceType.CarrierRefund, SourceType.CreatorEarnings], history.Credits.Select(c => c.SourceType));
        Assert.Equal([carrier, creator], history.Credits.Select(c => c.Source));
        Assert.Equal([since, since.AddMinutes(10)], history.Credits.Select(c => c.At));
        var cashout = Assert.Single(history.Cashouts);
        Assert.Equal("USD 2.00", cashout.Amount.ToString());
        Assert.Equal("US", cashout.DestinationCountry);
        Assert.Equal(PayoutMethod.BankTransfer, cashout.Method);
        Assert.Equal(t0.AddDays(2), history.LastActivityBefore);
    }

    [Fact]
    public async Task AmlHistory_NoActivityBefore_LastActivityNull()
    {
        var h = await NewHolder();
        var s = await NewSource();
        var since = Clock.GetUtcNow();
        await Credit(s, h.Id, "1.00", Currencies.USD);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var history = await Store.ReadAsync(r => r.AmlHistory(h.Id, since, Clock.GetUtcNow()));

        Assert.Single(history.Credits);
        Assert.Null(history.LastActivityBefore);
    }

    [Fact]
    public async Task OtherHoldersOnDestination_SameFingerprint_CountsDistinctOtherHolders()
    {
        var a = await NewHolder();
        var b = await NewHolder();
        var c = await NewHolder();
        var d = await NewDestination(a.Id, "555000111");
        await NewDestination(a.Id, "555000111");
        await NewDestination(b.Id, "555000111");
        await NewDestination(b.Id, "555000111");
        await NewDestination(c.Id, "999000111");

        Assert.Equal(1, await Store.ReadAsync(r => r.OtherHoldersOnDestination(d.Fingerprint, a.Id)));
        Assert.Equal(1, await Store.ReadAsync(r => r.OtherHoldersOnDestination(d.Fingerprint, b.Id)));
        Assert.Equal(2, await Store.ReadAsync(r => r.OtherHoldersOnDestination(d.Fingerprint, c.Id)));
    }

    [Fact]
    public async Task CreditsInLog_RangeOfLeaves_OnlyCreditsInCommitOrderWithHolder()
    {
        var h = await NewHolder();
        var s = await NewSource();
        var before = (await Store.ReadAsync(r => r.LastLogBatch()))?.TreeSize ?? 0;
        var t1 = await Credit(s, h.Id, "1.00", Currencies.USD);
        var t2 = await Credit(s, h.Id, "2.00", Currencies.USD);
        var size = (await Store.ReadAsync(r => r.LastLogBatch()))!.TreeSize;

        var all = await Store.ReadAsync(r => r.CreditsInLog(before, size));
        Assert.Equal([t1, t2], all.Select(c => c.Transfer));
        Assert.All(all, c => Assert.Equal(h.Id, c.Holder));
        Assert.Equal(["USD 1.00", "USD 2.00"], all.Select(c => c.Credit.Amount.ToString()));
        Assert.Equal([t2], (await Store.ReadAsync(r => r.CreditsInLog(all[1].LeafIndex, size))).Select(c => c.Transfer));
        Assert.Empty(await Store.ReadAsync(r => r.CreditsInLog(size, size + 10)));
    }

    [Fact]
    public async Task AdvanceMonitor_FromStalePosition_ChangesNothing()
    {
        var start = await Store.ReadAsync(r => r.MonitorPosition(AmlCreditMonitor.Name));

        Assert.True(await Store.WriteAsync(tx => tx.AdvanceMonitor(AmlCreditMonitor.Name, start, start + 5)));
        Assert.False(await Store.WriteAsync(tx => tx.AdvanceMonitor(AmlCreditMonitor.Name, start, start + 9)));
        Assert.Equal(start + 5, await Store.ReadAsync(r => r.MonitorPosition(AmlCreditMonitor.Name)));
        Assert.True(await Store.WriteAsync(tx => tx.AdvanceMonitor("other", 0, 3)));
        Assert.Equal(3, await Store.ReadAsync(r => r.MonitorPosition("other")));
    }

    [Fact]
    public async Task CtrCashouts_DayRange_ApprovedSubmittedPaidOnly()
    {
        var h = await NewHolder();
        var d = await NewDestination(h.Id);
        var from = Clock.GetUtcNow();
        var paid = await NewCashout(h.Id, d, "6000", CashoutState.Paid);
        await NewCashout(h.Id, d, "5000", CashoutState.Held);
        var approved = await NewCashout(h.Id, d, "4000", CashoutState.Approved);
        await NewCashout(h.Id, d, "3000", CashoutState.Rejected);

        var list = await Store.ReadAsync(r => r.CtrCashouts(h.Id, from, from.AddDays(1)));

        Assert.Equal([paid.Id, approved.Id], list.Select(c => c.Id));
        Assert.Equal("US", list[0].DestinationCountry);
        Assert.Empty(await Store.ReadAsync(r => r.CtrCashouts(h.Id, from.AddDays(1), from.AddDays(2))));
    }

    [Fact]
    public async Task AmlReplaySet_Range_HoldersCreditsCashoutsDestinationsAndLastBefore()
    {
        var h = await NewHolder();
        var s = await NewSource();
        var d = await NewDestination(h.Id);
        await Credit(s, h.Id, "1.00", Currencies.USD);
        Clock.Advance(TimeSpan.FromDays(1));
        var from = Clock.GetUtcNow();
        var t = await Credit(s, h.Id, "2.00", Currencies.USD);
        var c = await NewCashout(h.Id, d, "1.50", CashoutState.Rejected);
        Clock.Advance(TimeSpan.FromHours(1));

        var set = await Store.ReadAsync(r => r.AmlReplaySet(from, Clock.GetUtcNow()));

        Assert.Contains(set.Holders, x => x.Id == h.Id && x.Country == "US" && x.KycTier == 1);
        Assert.Equal([t], set.Credits.Select(x => x.Transfer));
        var cashout = Assert.Single(set.Cashouts);
        // The replay sees fingerprints as stored: keyed (docs/privacy.md), equal for equal accounts, never the plain hash.
        var stored = ((SmallChange.Adapters.Storage.IPersonalDataStore)Store).PersonalData.FingerprintIndex(d.Fingerprint);
        Assert.NotEqual(d.Fingerprint, stored);
        Assert.Equal((c.Id, CashoutState.Rejected, stored, true), (cashout.Id, cashout.State, cashout.Fingerprint, cashout.TravelRuleDataPresent));
        Assert.Contains(set.Destinations, x => x.Fingerprint == stored && x.Holder == h.Id);
        Assert.Equal(from.AddDays(-1), set.LastActivityBefore[h.Id]);
    }

    [Fact]
    public async Task SourceFunding_SetTwice_LastWins()
    {
        var s = await NewSource();
        Assert.Equal(CreditFunding.Unknown, await Store.ReadAsync(r => r.SourceFunding(s)));

        await Write(tx => tx.SetSourceFunding(s, CreditFunding.Card, Clock.GetUtcNow()));
        await Write(tx => tx.SetSourceFunding(s, CreditFunding.Balance, Clock.GetUtcNow()));

        Assert.Equal(CreditFunding.Balance, await Store.ReadAsync(r => r.SourceFunding(s)));
    }
}

public sealed class SqliteCasesContractTests() : CasesContractTests(new SqliteBackend());

public sealed class PostgresCasesContractTests() : CasesContractTests(new PostgresBackend());
