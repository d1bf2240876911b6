using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// One KYC submission with the identity data an officer checks against the documents, the holder's current tier, the
/// submission's history, and (for compliance officers, while pending) approve or reject with a reason. The decision goes
/// through <see cref="KycService"/> like the API's, and is written to the staff trail in the same transaction.
/// </summary>
[StaffWrite(StaffRole.ComplianceOfficer)]
public sealed class KycSubmissionModel(IStore store, KycService kyc, TimeProvider clock) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public DecisionInput Input { get; set; } = new();

    public sealed class DecisionInput
    {
        [Required(ErrorMessage = "Choose approve or reject.")]
        [Display(Name = "Decision")]
        public string Decision { get; set; } = "";

        [Required(ErrorMessage = "Say why: it is recorded with the decision.")]
        [StringLength(KycService.MaxReason, ErrorMessage = "The reason is too long.")]
        [Display(Name = "Reason")]
        public string Reason { get; set; } = "";
    }

    public KycSubmission Submission { get; private set; } = null!;

    public IReadOnlyList<KycEvent> Events { get; private set; } = [];

    public Holder? Account { get; private set; }

    /// <summary>The holder's age in whole years today (UTC).</summary>
    public int Age
    {
        get
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var dob = Submission.Identity.DateOfBirth;
            var age = today.Year - dob.Year;
            return dob.AddYears(age) > today ? age - 1 : age;
        }
    }

    public string? Notice { get; private set; }

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

        if (KycWire.DecisionFromWire(Input.Decision) is not { } decision)
        {
            ModelState.AddModelError("Input.Decision", "Choose approve or reject.");
            return Page();
        }

        var result = await kyc.Decide(new KycSubmissionId(Id), decision, Input.Reason, Staff.Actor, ct);
        if (!result.TryGet(out var d, out var error))
        {
            return Refusal(error) ?? Page();
        }

        Notice = d.Replayed ? "That decision was already recorded." : $"Recorded: {d.Submission.Status.ToWire()}.";
        ModelState.Clear();
        Input = new DecisionInput();
        await Load(ct);
        return Page();
    }

    protected override string FieldKey(string field) => field == "reason" ? "Input.Reason" : string.Empty;

    private async Task<bool> Load(CancellationToken ct)
    {
        if (await kyc.Get(new KycSubmissionId(Id), ct) is not { } found)
        {
            return false;
        }

        (Submission, Events) = found;
        Account = await store.ReadAsync(r => r.GetHolder(found.Submission.Holder), ct);
        return true;
    }
}
