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
/// provider and method, each fee, the rate against mid-market, what arrives and when, cheapest and fastest marked; the
/// destination's method can be chosen), a chart of the effective cost against the amount for each method (the same
/// engine over a range of amounts), and the wait advice with the date the holder's earnings reach a cheaper amount →
/// confirm with a step-up. Needs two-factor sign-in and a KYC tier that may cash out (otherwise the page says so and
/// links to the identity page); a destination still cooling off is refused, naming when it becomes usable.
/// </summary>
public sealed class NewModel(IStore store, CashoutService cashouts, HolderActions actions, StepUpVerifier stepUp, PayoutSetup setup, TimeProvider clock) : MoneyPage(stepUp)
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

    /// <summary>The quote's options of other methods (shown for comparison; they need another kind of destination).</summary>
    public IReadOnlyList<QuoteOption> OtherOptions { get; private set; } = [];

    /// <summary>The effective cost over a range of amounts, one series per provider and method of the quote.</summary>
    public IReadOnlyList<CostCurveSeries> Curves { get; private set; } = [];

    /// <summary>What the holder earned per day in the quote's currency over the last 30 days, if anything.</summary>
    public Money? EarningRate { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>The holder's KYC tier.</summary>
    public int KycTier { get; private set; }

    /// <summary>Whether the holder's tier may cash out in their jurisdiction (tier 0 never can).</summary>
    public bool TierAllowsCashout { get; private set; } = true;

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
        if (!TwoFactorOn || !TierAllowsCashout || !ModelState.IsValid)
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
        var book = await store.ReadAsync(r => Core.Records.RecordBook.Load(r, holder), HttpContext.RequestAborted);
        EarningRate = book.EarningRatePerDay(currency, Now);
        var quote = await cashouts.Quote(holder, new QuoteRequest(amount, d.Currency, d.Country, Now) { EarningRatePerDay = EarningRate }, HttpContext.RequestAborted);
        if (!quote.TryGet(out var q, out var quoteError))
        {
            ModelState.AddModelError(quoteError.Field == "amount" ? "Input.Amount" : string.Empty, quoteError.Message);
            return Page();
        }

        Show(q, d);
        Curves = await CostCurves(q);
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
        Curves = await CostCurves(q);
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
        OtherOptions = q.Draft.Options.Where(o => o.Method != d.Method).ToList();
    }

    /// <summary>The largest amount of the cost chart: twice the amount asked, or beyond the wait advice's target.</summary>
    public Money ChartTop(StoredQuote q)
    {
        var top = q.Draft.Requested.Units * 2;
        if (q.Draft.Wait is { } w)
        {
            top = Math.Max(top, w.TargetAmount.Units * 3 / 2);
        }

        var unit = q.Draft.Requested.Currency.LedgerUnitsPerMajor;
        return new Money(Math.Max(top, unit * 2), q.Draft.Requested.Currency);
    }

    public const int CurvePoints = 40;

    /// <summary>Costs above this are drawn at the top edge, so that tiny amounts do not flatten the rest.</summary>
    public const decimal CostCapPercent = 20m;

    /// <summary>The chart of effective cost (percent) against the amount, one line per provider and method, with the amount asked and the target marked.</summary>
    public Portal.Charts.LineChartSpec CostChart()
    {
        var q = Quote!;
        var c = q.Draft.Requested.Currency;
        var target = q.Draft.TargetMaxCostBps / 100m;
        var series = Curves.Select(s => new Portal.Charts.ChartSeries($"{s.ProviderName.Replace(" (sandbox-routed)", "", StringComparison.Ordinal)} ({MethodName(s.Method)})",
            s.Points.Select(p => new Portal.Charts.ChartPoint(Major(p.Amount), p.EffectiveCostBps is { } b ? b / 100m : null)).ToList())).ToList();
        var stops = Curves.Select(s => (s, At: s.Points.FirstOrDefault(p => p.EffectiveCostBps is { } b && b <= q.Draft.TargetMaxCostBps)))
            .Where(x => x.At is not null).OrderBy(x => x.At!.Amount.Units).FirstOrDefault();
        var where = stops.At is { } at
            ? $"From about {c.Code} {at.Amount.ToDecimalString()}, {stops.s.ProviderName} costs {Percent(at.EffectiveCostBps!.Value)}, within your target of {Percent(q.Draft.TargetMaxCostBps)}: below that, flat fees take a large share."
            : $"No option gets within your target of {Percent(q.Draft.TargetMaxCostBps)} up to {c.Code} {ChartTop(q).ToDecimalString()}.";
        return new Portal.Charts.LineChartSpec("Effective cost by amount", $"The cost of each provider and method, in percent of the amount, for amounts from {c.Code} {ChartTop(q).ToDecimalString()} down; it falls as the amount grows because flat fees matter less. {where}",
            $"Amount ({c.Code})", "Effective cost (%)", series)
        {
            YCap = CostCapPercent,
            YFromZero = true,
            YFormat = v => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " %",
            Markers = [new Portal.Charts.ChartMarker(true, Major(q.Draft.Requested), "your amount"), new Portal.Charts.ChartMarker(false, target, $"your target {target:0.##} %")],
        };
    }

    /// <summary>Where the cost first falls within the target, in words (for the text under the chart).</summary>
    public string? FlatFeeNote()
    {
        var q = Quote!;
        var firsts = Curves.Select(s => (s, At: s.Points.FirstOrDefault(p => p.EffectiveCostBps is { } b && b <= q.Draft.TargetMaxCostBps))).Where(x => x.At is not null)
            .OrderBy(x => x.At!.Amount.Units).Take(3).ToList();
        return firsts.Count == 0 ? null : string.Join("; ", firsts.Select(x => $"{x.s.ProviderName.Replace(" (sandbox-routed)", "", StringComparison.Ordinal)} ({MethodName(x.s.Method)}) from {x.At!.Amount.Currency.Code} {x.At.Amount.ToDecimalString()}"));
    }

    private static decimal Major(Money m) => decimal.Parse(m.ToDecimalString(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<IReadOnlyList<CostCurveSeries>> CostCurves(StoredQuote q)
    {
        var top = ChartTop(q);
        var c = top.Currency;
        var amounts = Enumerable.Range(1, CurvePoints)
            .Select(i => Money.FromIsoMinor(Math.Max(1, top.IsoMinorUnits * i / CurvePoints), c)).Distinct().ToList();
        var series = new List<CostCurveSeries>();
        foreach (var method in q.Draft.Options.Select(o => o.Method).Distinct())
        {
            var r = await cashouts.CostCurve(new CostCurveRequest(c, q.Draft.PayoutCurrency, q.Draft.DestinationCountry, method, amounts, Now), HttpContext.RequestAborted);
            if (r.TryGet(out var s, out _))
            {
                series.AddRange(s.Where(x => x.Points.Any(p => p.EffectiveCostBps is not null)));
            }
        }

        return series;
    }

    private async Task Load(HolderId holder)
    {
        Now = clock.GetUtcNow();
        await LoadSecurity();
        if (await store.ReadAsync(r => r.GetHolder(holder), HttpContext.RequestAborted) is { } h)
        {
            KycTier = h.KycTier;
            TierAllowsCashout = setup.Profiles.For(h.Country).Tier(h.KycTier) is { CashOut: true };
        }

        Wallets = (await store.ReadAsync(r => r.ListAccounts(AccountKind.HolderWallet, holder.Value), HttpContext.RequestAborted))
            .Where(w => w.Available.Units > 0).ToList();
        Destinations = (await cashouts.DestinationsWithState(holder, 100, HttpContext.RequestAborted))
            .Where(x => x.State?.StatusAt(Now) is DestinationStatus.Active or DestinationStatus.Cooling).ToList();
    }

    public static string MethodName(Core.Providers.PayoutMethod m) => m switch
    {
        Core.Providers.PayoutMethod.BankTransfer => "bank transfer",
        Core.Providers.PayoutMethod.DigitalWallet => "digital wallet",
        Core.Providers.PayoutMethod.PrepaidCard => "prepaid card",
        _ => "crypto",
    };

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
