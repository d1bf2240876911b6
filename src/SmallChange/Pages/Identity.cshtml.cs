using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;

namespace SmallChange.Pages;

/// <summary>
/// The holder's identity verification (KYC): the tier held and what each tier of the holder's jurisdiction profile
/// allows (in words and amounts), the submissions so far with their state and the decision's reason, and a form that
/// submits identity data for the next tier through <see cref="KycService.Submit"/> (idempotent by a key made when the
/// form is shown, so sending it twice is one submission). When the configured verifier is the sandbox, the page says
/// so and names its fixed rules.
/// </summary>
public sealed class IdentityModel(IStore store, KycService kyc, PayoutSetup setup, TimeProvider clock) : PortalPage
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Display(Name = "Tier to apply for")]
        public int TargetTier { get; set; } = 1;

        [Required(ErrorMessage = "Enter your full legal name as on your document.")]
        [StringLength(IdentityData.MaxText, ErrorMessage = "The name is too long (200 characters at most).")]
        [Display(Name = "Full legal name")]
        public string? LegalName { get; set; }

        [Required(ErrorMessage = "Enter your date of birth, such as 1990-04-21.")]
        [StringLength(10, ErrorMessage = "Enter your date of birth, such as 1990-04-21.")]
        [Display(Name = "Date of birth")]
        public string? DateOfBirth { get; set; }

        [Required(ErrorMessage = "Enter your nationality as two letters, such as US, KR or DE.")]
        [StringLength(2, ErrorMessage = "Enter your nationality as two letters, such as US, KR or DE.")]
        [Display(Name = "Nationality")]
        public string? Nationality { get; set; }

        [Required(ErrorMessage = "Enter the first line of your address.")]
        [StringLength(IdentityData.MaxText, ErrorMessage = "The address line is too long (200 characters at most).")]
        [Display(Name = "Address line 1")]
        public string? Line1 { get; set; }

        [StringLength(IdentityData.MaxText, ErrorMessage = "The address line is too long (200 characters at most).")]
        [Display(Name = "Address line 2 (optional)")]
        public string? Line2 { get; set; }

        [Required(ErrorMessage = "Enter your town or city.")]
        [StringLength(100, ErrorMessage = "The town or city is too long (100 characters at most).")]
        [Display(Name = "Town or city")]
        public string? City { get; set; }

        [StringLength(100, ErrorMessage = "The region is too long (100 characters at most).")]
        [Display(Name = "Region or state (optional)")]
        public string? Region { get; set; }

        [StringLength(16, ErrorMessage = "The postal code is too long (16 characters at most).")]
        [Display(Name = "Postal code (optional)")]
        public string? PostalCode { get; set; }

        [Required(ErrorMessage = "Enter the country of your address as two letters, such as US.")]
        [StringLength(2, ErrorMessage = "Enter the country of your address as two letters, such as US.")]
        [Display(Name = "Country of the address")]
        public string? AddressCountry { get; set; }

        [Required(ErrorMessage = "Choose the kind of identity document.")]
        [Display(Name = "Identity document")]
        public string? DocumentType { get; set; }

        [Required(ErrorMessage = "Enter the document number as printed on it.")]
        [StringLength(32, ErrorMessage = "The document number is 4 to 32 letters, digits, spaces or hyphens.")]
        [Display(Name = "Document number")]
        public string? DocumentNumber { get; set; }

        [StringLength(2, ErrorMessage = "Enter the issuing country as two letters, or leave it empty.")]
        [Display(Name = "Issuing country (optional)")]
        public string? DocumentCountry { get; set; }

        [StringLength(500, ErrorMessage = "Where your money comes from is at most 500 characters.")]
        [Display(Name = "Where your balances come from")]
        public string? SourceOfFunds { get; set; }

        /// <summary>Made when the form is shown, so that sending it twice makes one submission.</summary>
        public string? IdempotencyKey { get; set; }
    }

    public static readonly (string Value, string Label)[] DocumentKinds =
    [
        ("passport", "Passport"),
        ("national_id", "National identity card"),
        ("driving_licence", "Driving licence"),
        ("residence_permit", "Residence permit"),
    ];

    public Holder? Profile { get; private set; }

    public JurisdictionProfile? Jurisdiction { get; private set; }

    /// <summary>The holder's submissions, newest first.</summary>
    public IReadOnlyList<KycSubmission> Submissions { get; private set; } = [];

    public KycSubmission? Pending => Submissions.FirstOrDefault(s => s.Status == KycStatus.Pending);

    /// <summary>The tiers above the holder's that the profile has and that allow cash-outs: what the form offers.</summary>
    public IReadOnlyList<TierLimits> Offered { get; private set; } = [];

    public bool Sandbox => kyc.VerifierName == SandboxIdentityVerifier.VerifierName;

    /// <summary><c>submitted</c> after a submission (the page then shows its state).</summary>
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        Done = done == "submitted" ? done : null;
        if (!await Load(holder))
        {
            return NotFound();
        }

        Input.LegalName = Profile!.Name.Value;
        Input.Nationality = Profile.Country;
        Input.AddressCountry = Profile.Country;
        Input.TargetTier = Offered.FirstOrDefault()?.Tier ?? 1;
        Input.IdempotencyKey = Guid.NewGuid().ToString("N");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        if (!await Load(holder))
        {
            return NotFound();
        }

        // Only the shape is checked here: a tier already held (or a replay of this very form) is the service's to answer.
        if (Input.TargetTier is not (1 or 2))
        {
            ModelState.AddModelError("Input.TargetTier", "Choose one of the tiers offered.");
        }

        if (Input.TargetTier == 2 && string.IsNullOrWhiteSpace(Input.SourceOfFunds))
        {
            ModelState.AddModelError("Input.SourceOfFunds", "Say where your balances come from: tier 2 (enhanced due diligence) needs it.");
        }

        var key = Input.IdempotencyKey;
        if (string.IsNullOrEmpty(key) || key.Length > 64 || !key.All(char.IsAsciiLetterOrDigit))
        {
            ModelState.AddModelError(string.Empty, "This form has expired; it has been renewed, please send it again.");
            Input.IdempotencyKey = Guid.NewGuid().ToString("N");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var i = Input;
        var input = new IdentityInput(i.LegalName, i.DateOfBirth, i.Nationality,
            new AddressInput(i.Line1, i.Line2, i.City, i.Region, i.PostalCode, i.AddressCountry), i.DocumentType, i.DocumentNumber, i.DocumentCountry, i.SourceOfFunds);
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new
        {
            v = 1, holder = holder.Value, tier = i.TargetTier, i.LegalName, i.DateOfBirth, i.Nationality, i.Line1, i.Line2, i.City, i.Region, i.PostalCode,
            i.AddressCountry, i.DocumentType, i.DocumentNumber, i.DocumentCountry, i.SourceOfFunds,
        }));
        var result = await kyc.Submit(holder, i.TargetTier, input, "portal:" + holder, $"portal:{holder.Value:N}:{key}", hash, HttpContext.RequestAborted);
        if (!result.TryGet(out _, out var error))
        {
            var (field, message) = Explain(error);
            ModelState.AddModelError(field, message);
            if (error.Code == "idempotency.conflict")
            {
                Input.IdempotencyKey = Guid.NewGuid().ToString("N");
            }

            await Load(holder);
            return Page();
        }

        return Redirect("/identity?done=submitted");
    }

    private async Task<bool> Load(HolderId holder)
    {
        var (h, submissions) = await store.ReadAsync<(Holder?, List<KycSubmission>)>(async r =>
        {
            var found = await r.GetHolder(holder);
            var list = new List<KycSubmission>();
            string? cursor = null;
            do
            {
                var page = await r.ListKycSubmissions(null, holder, cursor, Api.Sources.Paging.Max);
                list.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            return (found, list);
        }, HttpContext.RequestAborted);
        if (h is null)
        {
            return false;
        }

        Profile = h;
        Jurisdiction = setup.Profiles.For(h.Country);
        Submissions = submissions.OrderByDescending(s => s.SubmittedAt).ThenByDescending(s => s.Id.Value).ToList();
        Offered = Jurisdiction.Tiers.Where(t => t.Tier > h.KycTier && t.Tier is 1 or 2 && t.CashOut).OrderBy(t => t.Tier).ToList();
        return true;
    }

    /// <summary>A service error as the form shows it: by its field, in the portal's words (never repeating the input).</summary>
    public static (string Key, string Message) Explain(Error e) => (e.Code, e.Field) switch
    {
        ("kyc.tier_invalid", _) => ("Input.TargetTier", "Choose one of the tiers offered."),
        ("kyc.legal_name_invalid", _) => ("Input.LegalName", "Enter your full legal name as on your document: up to 200 characters, no control characters."),
        ("kyc.date_of_birth_invalid", _) => ("Input.DateOfBirth", "Enter your date of birth as a past date, such as 1990-04-21."),
        ("kyc.nationality_invalid", _) => ("Input.Nationality", "Enter your nationality as two letters, such as US, KR or DE."),
        ("kyc.address_invalid", "address.line2") => ("Input.Line2", "Address line 2 is at most 200 characters, without control characters."),
        ("kyc.address_invalid", "address.city") => ("Input.City", "Enter your town or city: up to 100 characters."),
        ("kyc.address_invalid", "address.region") => ("Input.Region", "The region is at most 100 characters, without control characters."),
        ("kyc.address_invalid", "address.postal_code") => ("Input.PostalCode", "The postal code is at most 16 characters, without control characters."),
        ("kyc.address_invalid", "address.country") => ("Input.AddressCountry", "Enter the country of your address as two letters, such as US."),
        ("kyc.address_invalid", _) => ("Input.Line1", "Enter the first line of your address: up to 200 characters, without control characters."),
        ("kyc.document_type_invalid", _) => ("Input.DocumentType", "Choose the kind of identity document."),
        ("kyc.document_number_invalid", _) => ("Input.DocumentNumber", "Enter the document number as printed: 4 to 32 letters, digits, spaces or hyphens."),
        ("kyc.document_country_invalid", _) => ("Input.DocumentCountry", "Enter the issuing country as two letters, or leave it empty when it is your nationality."),
        ("kyc.source_of_funds_required", _) => ("Input.SourceOfFunds", "Say where your balances come from: tier 2 (enhanced due diligence) needs it."),
        ("kyc.source_of_funds_invalid", _) => ("Input.SourceOfFunds", "Where your balances come from is at most 500 characters, without control characters."),
        ("kyc.pending_exists", _) => (string.Empty, "Your earlier submission is still being reviewed; this page shows its decision when it is made."),
        ("kyc.tier_already_held", _) => (string.Empty, "You already hold that tier."),
        ("idempotency.conflict", _) => (string.Empty, "This form was already sent with other details. It has been renewed: check the details and send it again."),
        _ => (string.Empty, e.Message),
    };

    /// <summary>What a tier allows, in words: "cannot cash out", or its limits in the profile currency.</summary>
    public static string Allows(TierLimits t)
    {
        if (!t.CashOut)
        {
            return "can receive credits but cannot cash out";
        }

        var parts = new List<string>();
        if (t.PerPayout is { } p)
        {
            parts.Add($"up to {Amount(p)} per cash-out");
        }

        if (t.DailyAmount is not null || t.DailyCount is not null)
        {
            parts.Add(Period(t.DailyAmount, t.DailyCount, "a day"));
        }

        if (t.MonthlyAmount is not null || t.MonthlyCount is not null)
        {
            parts.Add(Period(t.MonthlyAmount, t.MonthlyCount, "a month"));
        }

        return parts.Count == 0 ? "can cash out without limits" : "can cash out " + string.Join("; ", parts);
    }

    private static string Period(Core.Money.Money? amount, int? count, string per) => (amount, count) switch
    {
        ({ } a, { } c) => $"up to {Amount(a)} in at most {c} cash-out{(c == 1 ? "" : "s")} {per}",
        ({ } a, null) => $"up to {Amount(a)} {per}",
        (null, { } c) => $"at most {c} cash-out{(c == 1 ? "" : "s")} {per}",
        _ => "",
    };

    public static string Amount(Core.Money.Money m) =>
        $"{m.Currency.Code} {decimal.Parse(m.ToDecimalString(), CultureInfo.InvariantCulture).ToString("#,0.##", CultureInfo.InvariantCulture)}";

    public static string TierName(int tier) => tier switch
    {
        0 => "Tier 0 (not verified)",
        1 => "Tier 1 (verified identity)",
        2 => "Tier 2 (enhanced due diligence)",
        _ => $"Tier {tier}",
    };

    public string Now => When(clock.GetUtcNow());
}
