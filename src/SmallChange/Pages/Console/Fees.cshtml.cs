using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// Fee schedules: the one in force for each provider and method (the configured one, or the newest approved change),
/// the history of changes, and (for operator admins) a proposal form. A proposal is in force for quotes only after a
/// second operator admin approves it on the approvals page.
/// </summary>
[StaffWrite(StaffRole.OperatorAdmin)]
public sealed class FeesModel(IStore store, EffectiveCatalog catalog, FourEyesService fourEyes) : ConsolePage
{
    public sealed record Row(Provider Provider, Offering Offering, FeeSchedule Effective, FeeOverride? Override);

    [BindProperty]
    public ProposalInput Input { get; set; } = new();

    public sealed class ProposalInput
    {
        [Required(ErrorMessage = "Choose the provider and method.")]
        [Display(Name = "Provider and method")]
        public string Offering { get; set; } = "";

        [Required(ErrorMessage = "Give the new fees as JSON.")]
        [StringLength(8000, ErrorMessage = "The fees are too long.")]
        [Display(Name = "New fees (the providers.json form)")]
        public string Fees { get; set; } = "";

        [Required(ErrorMessage = "Say why the fees change.")]
        [StringLength(FourEyesService.MaxReasonLength, ErrorMessage = "The reason is too long.")]
        [Display(Name = "Reason")]
        public string Reason { get; set; } = "";
    }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public IReadOnlyList<Approval> History { get; private set; } = [];

    public string? Notice { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var slash = Input.Offering.LastIndexOf('/');
            var result = await fourEyes.ProposeFees(slash > 0 ? Input.Offering[..slash] : Input.Offering, slash > 0 ? Input.Offering[(slash + 1)..] : null,
                Input.Fees, Input.Reason, Staff, ct);
            if (result.TryGet(out var a, out var error))
            {
                Notice = $"Proposed: {a.Summary}. It is in force once another operator admin approves it.";
                ModelState.Clear();
                Input = new ProposalInput();
            }
            else if (Refusal(error) is { } refused)
            {
                return refused;
            }
        }

        await Load(ct);
        return Page();
    }

    protected override string FieldKey(string field) => field switch
    {
        "fees" => "Input.Fees",
        "reason" => "Input.Reason",
        "provider_id" => "Input.Offering",
        _ => field.StartsWith("fees", StringComparison.Ordinal) ? "Input.Fees" : string.Empty,
    };

    private async Task Load(CancellationToken ct)
    {
        var effective = await catalog.Current(ct);
        var (overrides, history) = await store.ReadAsync(async r => (
            await r.ListFeeOverrides(),
            (await r.ListApprovals(new ApprovalFilter(Kind: ApprovalKind.FeeSchedule), null, 100)).Items), ct);
        Rows = effective.Providers.SelectMany(p => p.Offerings.Select(o => new Row(p, o, o.Fees,
            overrides.LastOrDefault(x => x.ProviderId == p.Id && x.Method == o.Method)))).ToList();
        History = history;
    }
}
