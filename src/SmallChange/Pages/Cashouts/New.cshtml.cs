using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Quotes;
using SmallChange.Core.Security;
using SmallChange.Portal;
using LedgerAccount = SmallChange.Core.Ledger.Account;

namespace SmallChange.Pages.Cashouts;

/// <summary>
/// A cash-out in two steps: amount and destination → the quote's table from <see cref="CashoutService.Quote"/> (every
/// provider for the destination's method, each fee, the rate against mid-market, what arrives and when) → confirm with a
/// step-up. Needs two-factor sign-in; a destination still cooling off is refused, naming when it becomes usable.
/// </summary>
public sealed class NewModel(IStore store, CashoutService cashouts, HolderActions actions, StepUpVerifier stepUp, TimeProvider clock) : MoneyPage(stepUp)
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the amount to cash out.")]
        [StringLength(24, ErrorMessage = "Enter an amount such as 12.50.")]
        [Display(Name = "Amount")]
        public string Amount { get; set; } = "";

        [Required(ErrorMessage = "Choose the balance to cash out from.")]
        [Display(Name = "From your balance in")]
        public string Currency { get; set; } = "";

        [Required(ErrorMessage = "Choose where the money goes.")]
        [Display(Name = "To")]
        public Guid? DestinationId { get; set; }

        public Guid? QuoteId { get; set; }

        [Display(Name = "Provider")]
        public string? ProviderId { get; set; }

        /// <summary>Made when the quote is shown, so that submitting the confirmation twice makes one cash-out.</summary>
        public string? IdempotencyKey { get; set; }
    }

    public IReadOnlyList<LedgerAccount> Wallets { get; private set; } = [];

    public IReadOnlyList<(Destination Destination, DestinationState? State)> Destinations { get; private set; } = [];

    public StoredQuote? Quote { get; private set; }

    public Destination? Chosen { get; private set; }

    /// <summary>The quote's options for the chosen destination's method, cheapest first.</summary>
    public IReadOnlyList<QuoteOption> Options { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        await Load(holder);
        return Page();
    }

    /// <summary>Step 1: price the cash-out.</summary>
    public async Task<IActionResult> OnPostQuoteAsync()
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        await Load(holder);
        if (!TwoFactorOn || !ModelState.IsValid)
        {
            return Page();
        }

        var entry = Destinations.FirstOrDefault(x => x.Destination.Id.Value == Input.DestinationId);
        if (entry.Destination is null)
        {
            ModelState.AddModelError("Input.DestinationId", "Choose one of your destinations.");
            return Page();
        }

        if (DestinationCoolingOff.Refusal(entry.State, Now) is { } refused)
        {
            ModelState.AddModelError("Input.DestinationId", refused.Message);
            return Page();
        }

        if (Currencies.Find(Input.Currency) is not { } currency || Wallets.All(w => w.Currency != currency))
        {
            ModelState.AddModelError("Input.Currency", "Choose one of your balances.");
            return Page();
        }

        if (!Money.ParsePositive(Input.Amount.Trim(), currency).TryGet(out var amount, out var amountError))
        {
            ModelState.AddModelError("Input.Amount", amountError.Message);
            return Page();
        }

        var d = entry.Destination;
        var quote = await cashouts.Quote(holder, new QuoteRequest(amount, d.Currency, d.Country, Now) { Method = d.Method }, HttpContext.RequestAborted);
        if (!quote.TryGet(out var q, out var quoteError))
        {
            ModelState.AddModelError(quoteError.Field == "amount" ? "Input.Amount" : string.Empty, quoteError.Message);
            return Page();
        }

        Show(q, d);
        Input.QuoteId = q.Id.Value;
        Input.ProviderId = Options.FirstOrDefault()?.ProviderId;
        Input.IdempotencyKey = Guid.NewGuid().ToString("N");
        ModelState.Clear();
        return Page();
    }

    /// <summary>Step 2: confirm with a step-up; the cash-out is requested through <see cref="HolderActions"/>.</summary>
    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (Holder is not { } holder || Session is not { } session)
        {
            return Challenge();
        }

        await Load(holder);
        var q = Input.QuoteId is { } qid ? await store.ReadAsync(r => r.GetQuote(new QuoteId(qid)), HttpContext.RequestAborted) : null;
        var d = Destinations.FirstOrDefault(x => x.Destination.Id.Value == Input.DestinationId).Destination;
        if (q is null || q.Holder != holder || d is null || string.IsNullOrEmpty(Input.IdempotencyKey) || Input.IdempotencyKey.Length > 64)
        {
            ModelState.AddModelError(string.Empty, "That quote is not yours or no longer exists; ask for a new one.");
            return Page();
        }

        Show(q, d);
        if (!await StepUpIfNeeded())
        {
            return Page();
        }

        var result = await actions.Cashout(session, q.Id, d.Id, Input.ProviderId, Input.IdempotencyKey, HttpContext.RequestAborted);
        if (!result.TryGet(out var r, out var error))
        {
            AddError(error, f => f == "provider_id" ? "Input.ProviderId" : null);
            return Page();
        }

        return Redirect($"/cashouts/{r.Cashout.Id.Value}");
    }

    private void Show(StoredQuote q, Destination d)
    {
        Quote = q;
        Chosen = d;
        Options = q.Draft.Options.Where(o => o.Method == d.Method).ToList();
    }

    private async Task Load(HolderId holder)
    {
        Now = clock.GetUtcNow();
        await LoadSecurity();
        Wallets = (await store.ReadAsync(r => r.ListAccounts(AccountKind.HolderWallet, holder.Value), HttpContext.RequestAborted))
            .Where(w => w.Available.Units > 0).ToList();
        Destinations = (await cashouts.DestinationsWithState(holder, 100, HttpContext.RequestAborted))
            .Where(x => x.State?.StatusAt(Now) is DestinationStatus.Active or DestinationStatus.Cooling).ToList();
    }

    public static string Percent(int bps) => (bps / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " %";

    public static string Duration(TimeSpan t)
    {
        var (n, unit) = t.TotalMinutes < 90 ? ((int)Math.Ceiling(t.TotalMinutes), "minute") : t.TotalHours < 48 ? ((int)Math.Ceiling(t.TotalHours), "hour") : ((int)Math.Ceiling(t.TotalDays), "day");
        return n == 1 ? $"1 {unit}" : $"{n} {unit}s";
    }

    public static string FeeName(FeeLine f) => f.Kind switch
    {
        FeeKind.Flat => "Flat fee",
        FeeKind.Percentage => $"Percentage fee ({Percent(f.RateBps ?? 0)})",
        FeeKind.MinimumAdjustment => "Raised to the minimum fee",
        FeeKind.MaximumAdjustment => "Capped at the maximum fee",
        FeeKind.Activation => "Card activation",
        _ => "Monthly card fee",
    };
}
