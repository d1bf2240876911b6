using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// One case: its alerts with their explanations, the held cash-outs it decides, its trail, and (for compliance officers)
/// the decision. A release of a cash-out above the four-eyes threshold files a request that a second officer approves
/// on the approvals page; below it, the release happens at once.
/// </summary>
[StaffWrite(StaffRole.ComplianceOfficer)]
public sealed class CaseModel(IStore store, CaseService cases, SanctionsListService lists) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public DecisionInput Input { get; set; } = new();

    public sealed class DecisionInput
    {
        [Required(ErrorMessage = "Choose a decision.")]
        [Display(Name = "Decision")]
        public string Decision { get; set; } = "";

        [Required(ErrorMessage = "Say why: it is recorded with the decision.")]
        [StringLength(CaseService.MaxReasonLength, ErrorMessage = "The reason is too long.")]
        [Display(Name = "Reason")]
        public string Reason { get; set; } = "";
    }

    public Case Case { get; private set; } = null!;

    public IReadOnlyList<Alert> Alerts { get; private set; } = [];

    public IReadOnlyList<Cashout> Cashouts { get; private set; } = [];

    public IReadOnlyList<CaseEvent> Events { get; private set; } = [];

    public Approval? PendingRelease { get; private set; }

    /// <summary>
    /// A sanctions alert beside what it matched: the name we screened (the holder's, or a destination's account holder)
    /// and the list entry of the current list version (null when that entry is no longer listed: the figures remain).
    /// </summary>
    public sealed record SanctionsHit(Alert Alert, string Field, string? ScreenedName, string EntryKey, SanctionsEntry? Entry)
    {
        public string? Figure(string name) => Alert.Figures.FirstOrDefault(f => f.Name == name)?.Value;
    }

    public IReadOnlyList<SanctionsHit> SanctionsHits { get; private set; } = [];

    /// <summary>The case's holder (for the sanctions comparison).</summary>
    public SmallChange.Core.Holders.Holder? Account { get; private set; }

    /// <summary>After a post: what happened.</summary>
    public string? Notice { get; private set; }

    public ReleaseThresholds Thresholds => cases.Thresholds;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await Load(ct))
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (CaseWire.DecisionFromWire(Input.Decision) is not { } decision)
        {
            ModelState.AddModelError("Input.Decision", "Choose release, reject or file a report.");
            return Page();
        }

        var result = await cases.Decide(new CaseId(Id), decision, Input.Reason, Staff.Actor, ct);
        if (!result.TryGet(out var d, out var error))
        {
            return Refusal(error) ?? Page();
        }

        Notice = d.PendingApproval is { } p
            ? p.RequestedBy == Staff.Principal
                ? "The release needs a second compliance officer: your request is on the approvals page, and nothing is sent until another officer approves it."
                : $"A release of this case is already waiting for approval (asked by {p.RequestedByDisplay}). Approve it on the approvals page."
            : $"Decided: {d.Case.Decision?.ToWire()}. {d.Released.Count} cash-out(s) released, {d.Rejected.Count} refused{(d.Report is null ? "" : $", report {d.Report.Reference} filed")}.";
        ModelState.Clear();
        Input = new DecisionInput();
        await Load(ct);
        return Page();
    }

    /// <summary>Assigns the open case (blank: unassigns); recorded in the case's trail with who did it.</summary>
    public async Task<IActionResult> OnPostAssignAsync(string? assignee, CancellationToken ct)
    {
        ModelState.Clear();
        var result = await cases.Assign(new CaseId(Id), assignee, Staff.Actor.Display, ct);
        return await After(result.TryGet(out var c, out var error) ? $"Assigned to {c.Assignee ?? "nobody"}." : null, error, ct);
    }

    /// <summary>Adds a note to the case (open or closed).</summary>
    public async Task<IActionResult> OnPostNoteAsync(string? note, CancellationToken ct)
    {
        ModelState.Clear();
        var result = await cases.Note(new CaseId(Id), note, Staff.Actor.Display, ct);
        return await After(result.TryGet(out _, out var error) ? "Note added." : null, error, ct);
    }

    private async Task<IActionResult> After(string? notice, Error? error, CancellationToken ct)
    {
        if (error is not null && Refusal(error) is { } refused)
        {
            return refused;
        }

        if (!await Load(ct))
        {
            return NotFound();
        }

        Notice = notice;
        return Page();
    }

    private async Task<IReadOnlyList<SanctionsHit>> Hits(IStoreReader r, Case c)
    {
        var alerts = Alerts.Where(a => a.RuleId == ComplianceChecks.SanctionsRuleId).ToList();
        if (alerts.Count == 0)
        {
            return [];
        }

        var entries = (await lists.Screener()).Lists.SelectMany(l => l.Entries).ToDictionary(e => e.Key, StringComparer.Ordinal);
        Account = await r.GetHolder(c.Holder);
        var holderName = Account?.Name.Value;
        var hits = new List<SanctionsHit>();
        foreach (var a in alerts)
        {
            var field = a.Figures.FirstOrDefault(f => f.Name == "field")?.Value ?? "";
            var screened = field == ComplianceChecks.DestinationNameField
                ? (await r.GetDestination(new DestinationId(a.Subject.Id)))?.AccountHolderName
                : holderName;
            var key = a.Figures.FirstOrDefault(f => f.Name == "entry")?.Value ?? "";
            hits.Add(new SanctionsHit(a, field, screened, key, entries.GetValueOrDefault(key)));
        }

        return hits;
    }

    private async Task<bool> Load(CancellationToken ct)
    {
        var id = new CaseId(Id);
        var found = await store.ReadAsync(async r =>
        {
            if (await r.GetCase(id) is not { } c)
            {
                return false;
            }

            Case = c;
            Alerts = await CaseService.AllAlerts(r, id);
            var list = new List<Cashout>();
            foreach (var cid in Alerts.Where(a => a.Subject.Kind == SubjectKind.Cashout).Select(a => new CashoutId(a.Subject.Id)).Distinct())
            {
                if (await r.GetCashout(cid) is { } co)
                {
                    list.Add(co);
                }
            }

            Cashouts = list;
            SanctionsHits = await Hits(r, c);
            Events = await r.ListCaseEvents(id);
            PendingRelease = await r.FindPendingApproval(ApprovalKind.CashoutRelease, CaseService.SubjectOf(id));
            return true;
        }, ct);
        return found;
    }
}
