using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// Four-eyes requests: pending ones with approve and reject (a compliance officer decides releases, an operator admin fee
/// schedules; never the requester's own approval), and the latest decided ones with who asked, who decided and when.
/// </summary>
[StaffWrite(StaffRole.ComplianceOfficer, StaffRole.OperatorAdmin)]
public sealed class ApprovalsModel(IStore store, FourEyesService fourEyes) : ConsolePage
{
    public IReadOnlyList<Approval> Pending { get; private set; } = [];

    public IReadOnlyList<Approval> Decided { get; private set; } = [];

    public string? Notice { get; private set; }

    public bool MayDecide(Approval a) => FourEyesService.MayDecide(Staff, a.Kind);

    public async Task OnGetAsync(CancellationToken ct) => await Load(ct);

    public Task<IActionResult> OnPostApproveAsync(Guid approvalId, string? note, CancellationToken ct) =>
        Decide(approvalId, note, approve: true, ct);

    public Task<IActionResult> OnPostRejectAsync(Guid approvalId, string? note, CancellationToken ct) =>
        Decide(approvalId, note, approve: false, ct);

    private async Task<IActionResult> Decide(Guid approvalId, string? note, bool approve, CancellationToken ct)
    {
        var id = new ApprovalId(approvalId);
        var result = approve ? await fourEyes.Approve(id, Staff, note, ct) : await fourEyes.Reject(id, Staff, note, ct);
        if (result.TryGet(out var a, out var error))
        {
            Notice = $"{(approve ? "Approved" : "Rejected")}: {a.Summary}.";
        }
        else if (Refusal(error) is { } refused)
        {
            return refused;
        }

        await Load(ct);
        return Page();
    }

    private async Task Load(CancellationToken ct)
    {
        (Pending, Decided) = await store.ReadAsync(async r => (
            (await r.ListApprovals(new ApprovalFilter(ApprovalStatus.Pending), null, 200)).Items,
            (await r.ListApprovals(new ApprovalFilter(), null, 50)).Items.Where(a => a.Status != ApprovalStatus.Pending).ToList()), ct);
    }
}
