using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Destinations;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Destinations;

/// <summary>
/// Adds a payout destination with the same validators as the API (IBAN checksum, bank account shapes, e-mail and phone,
/// card Luhn, crypto address checksums), behind a step-up. The new destination cools off and the holder is alerted.
/// </summary>
public sealed class AddModel(HolderActions actions, StepUpVerifier stepUp) : MoneyPage(stepUp)
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Choose what kind of destination it is.")]
        [Display(Name = "Kind of destination")]
        public string Kind { get; set; } = "bank_account";

        [StringLength(2, ErrorMessage = "Enter the country as two letters, such as US, KR or DE.")]
        [Display(Name = "Country of the account")]
        public string? Country { get; set; }

        [StringLength(3, ErrorMessage = "Enter a three-letter currency code, such as USD.")]
        [Display(Name = "Payout currency (optional)")]
        public string? Currency { get; set; }

        [StringLength(200)]
        [Display(Name = "Name on the account")]
        public string? AccountHolderName { get; set; }

        [StringLength(64)]
        [Display(Name = "IBAN")]
        public string? Iban { get; set; }

        [StringLength(16)]
        [Display(Name = "BIC (optional)")]
        public string? Bic { get; set; }

        [StringLength(8)]
        [Display(Name = "Korean bank code")]
        public string? BankCode { get; set; }

        [StringLength(16)]
        [Display(Name = "US routing number")]
        public string? RoutingNumber { get; set; }

        [StringLength(40)]
        [Display(Name = "Account number")]
        public string? AccountNumber { get; set; }

        [StringLength(254)]
        [Display(Name = "Wallet e-mail address")]
        public string? Email { get; set; }

        [StringLength(20)]
        [Display(Name = "Wallet phone number")]
        public string? Phone { get; set; }

        [StringLength(30)]
        [Display(Name = "Card number")]
        public string? CardNumber { get; set; }

        [StringLength(16)]
        [Display(Name = "Network")]
        public string? Network { get; set; }

        [StringLength(100)]
        [Display(Name = "Address")]
        public string? Address { get; set; }

        [StringLength(10)]
        [Display(Name = "Asset (optional)")]
        public string? Asset { get; set; }
    }

    public static readonly (string Value, string Label)[] Kinds =
    [
        ("bank_account", "Bank account"),
        ("digital_wallet", "Digital wallet"),
        ("prepaid_card", "Prepaid card"),
        ("crypto", "Crypto address"),
    ];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Holder is null)
        {
            return Challenge();
        }

        await LoadSecurity();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Holder is null || Session is not { } session)
        {
            return Challenge();
        }

        var kind = Api.Destinations.DestinationResponse.ParseKind(Input.Kind);
        if (kind is null)
        {
            ModelState.AddModelError("Input.Kind", "Choose what kind of destination it is.");
        }

        if (!ModelState.IsValid || !await StepUpIfNeeded() || kind is null)
        {
            await LoadSecurity();
            return Page();
        }

        var input = new DestinationInput
        {
            Kind = kind.Value,
            Country = Input.Country,
            AccountHolderName = Input.AccountHolderName,
            Iban = Input.Iban,
            Bic = Input.Bic,
            BankCode = Input.BankCode,
            RoutingNumber = Input.RoutingNumber,
            AccountNumber = Input.AccountNumber,
            Email = Input.Email,
            Phone = Input.Phone,
            CardNumber = Input.CardNumber,
            Network = Input.Network,
            Address = Input.Address,
            Asset = Input.Asset,
        };
        var result = await actions.AddDestination(session, input, string.IsNullOrWhiteSpace(Input.Currency) ? null : Input.Currency.Trim().ToUpperInvariant(), HttpContext.RequestAborted);
        if (!result.TryGet(out _, out var error))
        {
            AddError(error, FieldKey);
            await LoadSecurity();
            return Page();
        }

        return Redirect("/destinations?done=added");
    }

    /// <summary>The form field of an error's API field name (<c>account_number</c> → <c>Input.AccountNumber</c>).</summary>
    private static string? FieldKey(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return null;
        }

        var name = string.Concat(field.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return typeof(InputModel).GetProperty(name) is null ? null : "Input." + name;
    }
}
