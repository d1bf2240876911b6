namespace SmallChange.Core.Quotes;

using SmallChange.Core.Common;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;

/// <summary>
/// Prices a cash-out across every provider × method. Pure: no clock, no I/O; the same inputs give the same draft.
/// </summary>
/// <remarks>
/// Rounding rules (each in the holder's disfavour by at most one unit, never in the operator's):
/// <list type="bullet">
/// <item>Gross: the requested amount rounded DOWN to whole ISO minor units of the wallet currency
/// (<see cref="Money.SplitPayable"/>); the rest stays in the wallet and is reported.</item>
/// <item>Percentage fee: gross × bps / 10 000 rounded UP to the wallet's ledger unit, so the provider's fee is
/// never under-charged. The minimum and maximum fee clamp flat + percentage; activation and monthly card fees
/// are added after the clamp.</item>
/// <item>Conversion: (gross − fees) × mid-market × (10 000 − spread) / 10 000, rounded DOWN to the payout ledger unit,
/// then DOWN to whole ISO minor units of the payout currency (the net). Exact rationals, Int128, checked.</item>
/// <item>Effective cost: the net is valued back at mid-market, rounded DOWN to the wallet ledger unit, and
/// (gross − that value) × 10 000 / gross is rounded UP to whole basis points.</item>
/// <item>Spread cost (informational): (gross − fees) × spread / 10 000 rounded UP.</item>
/// </list>
/// Prepaid card fees: the activation fee is charged unless the holder's usage says the card is already active; the
/// monthly fee is charged with the activation, and otherwise on the first payout of a month through the provider.
/// An amount whose arithmetic does not fit the integers excludes the option with <c>amount.out_of_range</c>; nothing
/// throws for any amount.
/// </remarks>
public static class QuoteCalculator
{
    private const int Bps = FxRate.BpsPerWhole;

    /// <summary>
    /// Prices <paramref name="request"/>. Errors (invalid request values only): <c>quote.amount_negative</c>,
    /// <c>quote.country_invalid</c>, <c>quote.target_invalid</c>, <c>quote.earning_rate_invalid</c>,
    /// <c>quote.usage_invalid</c>. An amount that no provider can pay is not an error: the draft lists the
    /// exclusions and, when possible, the wait advice.
    /// </summary>
    public static Result<QuoteDraft> Calculate(QuoteRequest request, ProviderCatalog catalog, FxRateTable rates)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rates);

        var wallet = request.Amount.Currency;
        if (request.Amount.Units < 0)
        {
            return new Error("quote.amount_negative", "The amount must not be negative.", "amount");
        }

        if (NormaliseCountry(request.DestinationCountry) is not { } country)
        {
            return new Error("quote.country_invalid", "The destination country is an ISO 3166-1 alpha-2 code such as DE.", "destination_country");
        }

        if (request.TargetMaxCostBps is < 0 or > Bps)
        {
            return new Error("quote.target_invalid", "The target maximum cost is between 0 and 10 000 basis points.", "target_max_cost_bps");
        }

        if (request.EarningRatePerDay is { } rate && (rate.Currency != wallet || !rate.IsPositive))
        {
            return new Error("quote.earning_rate_invalid", $"The earning rate is a positive amount per day in {wallet.Code}.", "earning_rate_per_day");
        }

        var usage = new Dictionary<string, ProviderUsage>(StringComparer.Ordinal);
        foreach (var u in request.Usage ?? [])
        {
            if (u.AmountToday.Currency != wallet || u.AmountThisMonth.Currency != wallet
                || u.CountToday < 0 || u.CountThisMonth < 0 || u.AmountToday.Units < 0 || u.AmountThisMonth.Units < 0
                || !usage.TryAdd(u.ProviderId, u))
            {
                return new Error("quote.usage_invalid", $"Usage is one non-negative entry per provider, with amounts in {wallet.Code}.", "usage");
            }
        }

        var (gross, remainder) = request.Amount.SplitPayable();
        var scope = new Scope(wallet, request.PayoutCurrency, country, request.Now, request.IncludeSandbox, request.MaxRateAge, request.RedFlags, usage, request.Standing);
        var candidates = Candidates(scope, catalog, rates, request.Method);

        var options = new List<QuoteOption>();
        var excluded = new List<ExcludedOption>();
        var priced = new List<(Candidate Candidate, Priced Priced)>();
        foreach (var c in candidates)
        {
            var p = c.FixedReasons.Count > 0 ? new Priced(null, c.FixedReasons) : Price(c, gross, scope);
            priced.Add((c, p));
            if (p.Option is { } option)
            {
                options.Add(option);
            }
            else
            {
                excluded.Add(new ExcludedOption(c.Provider.Id, c.Provider.Name, c.Offering.Method, p.Reasons));
            }
        }

        options.Sort(CheaperFirst);
        if (options.Count > 0)
        {
            var fastest = options.OrderBy(o => o.TypicalArrival).ThenBy(o => o, Comparer<QuoteOption>.Create(CheaperFirst)).First();
            for (var i = 0; i < options.Count; i++)
            {
                options[i] = options[i] with { IsCheapest = i == 0, IsFastest = ReferenceEquals(options[i], fastest) };
            }
        }

        WaitAdvice? wait = null;
        if (options.Count == 0 || options[0].EffectiveCostBps > request.TargetMaxCostBps)
        {
            wait = Wait(request, scope, gross, priced);
        }

        return new QuoteDraft(
            request.Amount,
            gross,
            remainder,
            request.PayoutCurrency,
            country,
            request.Method,
            request.Now,
            rates.AsOf,
            request.TargetMaxCostBps,
            options,
            excluded,
            wait);
    }

    /// <summary>
    /// The effective cost of <paramref name="request"/>'s method at each amount, one series per provider that is
    /// quotable for it (usage limits are not applied). A point that cannot be quoted carries its reasons and no cost.
    /// Errors: <c>quote.country_invalid</c>, <c>quote.amount_invalid</c> (an amount negative or not in the wallet currency).
    /// </summary>
    public static Result<IReadOnlyList<CostCurveSeries>> CostCurve(CostCurveRequest request, ProviderCatalog catalog, FxRateTable rates)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rates);
        if (NormaliseCountry(request.DestinationCountry) is not { } country)
        {
            return new Error("quote.country_invalid", "The destination country is an ISO 3166-1 alpha-2 code such as DE.", "destination_country");
        }

        if (request.Amounts.Any(a => a.Currency != request.WalletCurrency || a.Units < 0))
        {
            return new Error("quote.amount_invalid", $"Every amount is a non-negative {request.WalletCurrency.Code} amount.", "amounts");
        }

        var scope = new Scope(request.WalletCurrency, request.PayoutCurrency, country, request.Now, request.IncludeSandbox, null, request.RedFlags, new Dictionary<string, ProviderUsage>(), request.Standing);
        var series = new List<CostCurveSeries>();
        foreach (var c in Candidates(scope, catalog, rates, request.Method).Where(c => c.FixedReasons.Count == 0))
        {
            var points = new List<CostCurvePoint>(request.Amounts.Count);
            foreach (var amount in request.Amounts)
            {
                var gross = amount.SplitPayable().Payable;
                var p = Price(c, gross, scope);
                points.Add(new CostCurvePoint(amount, gross, p.Option?.EffectiveCostBps, p.Option?.Net, p.Reasons));
            }

            series.Add(new CostCurveSeries(c.Provider.Id, c.Provider.Name, c.Offering.Method, points));
        }

        return series;
    }

    private static string? NormaliseCountry(string? country)
    {
        var c = country?.Trim().ToUpperInvariant();
        return c is { Length: 2 } && c.All(char.IsAsciiLetterUpper) ? c : null;
    }

    /// <summary>Every provider × method in scope, with the reasons that do not depend on the amount.</summary>
    private static List<Candidate> Candidates(Scope scope, ProviderCatalog catalog, FxRateTable rates, PayoutMethod? method)
    {
        var mid = rates.MidMarket(scope.Wallet, scope.Payout);
        var stale = scope.Wallet != scope.Payout && scope.MaxRateAge is { } maxAge && scope.Now - rates.AsOf > maxAge;
        var list = new List<Candidate>();
        foreach (var provider in catalog.Providers)
        {
            var eligibility = scope.Standing is { } standing ? standing.Evaluate(provider, scope.Now).Eligibility : provider.Eligibility(scope.Now, scope.RedFlags);
            scope.Usage.TryGetValue(provider.Id, out var usage);
            foreach (var offering in provider.Offerings)
            {
                if (method is { } m && offering.Method != m)
                {
                    continue;
                }

                var reasons = new List<string>(eligibility.Reasons);
                if (provider.Sandbox && !scope.IncludeSandbox)
                {
                    reasons.Add(ProviderReasons.SandboxExcluded);
                }

                if (!offering.AcceptsSource(scope.Wallet))
                {
                    reasons.Add(QuoteReasons.SourceCurrencyNotSupported);
                }

                if (!offering.PaysOutIn(scope.Payout))
                {
                    reasons.Add(QuoteReasons.PayoutCurrencyNotSupported);
                }

                if (!offering.Serves(scope.Country))
                {
                    reasons.Add(QuoteReasons.CountryNotSupported);
                }

                if (!mid.IsOk)
                {
                    reasons.Add(QuoteReasons.RateUnavailable);
                }
                else if (stale)
                {
                    reasons.Add(QuoteReasons.RatesStale);
                }

                if (usage is not null && offering.Limits.DailyCount is { } dc && usage.CountToday >= dc)
                {
                    reasons.Add(QuoteReasons.DailyCount);
                }

                if (usage is not null && offering.Limits.MonthlyCount is { } mc && usage.CountThisMonth >= mc)
                {
                    reasons.Add(QuoteReasons.MonthlyCount);
                }

                list.Add(new Candidate(provider, offering, reasons, mid.IsOk ? mid.Value : FxRate.One, usage));
            }
        }

        return list;
    }

    /// <summary>Prices one candidate at one gross (whole ISO minor units of the wallet currency).</summary>
    private static Priced Price(Candidate c, Money gross, Scope scope)
    {
        try
        {
            return PriceChecked(c, gross, scope);
        }
        catch (OverflowException)
        {
            return new Priced(null, [QuoteReasons.OutOfRange]);
        }
    }

    private static Priced PriceChecked(Candidate c, Money gross, Scope scope)
    {
        var wallet = scope.Wallet;
        var offering = c.Offering;
        var limits = offering.Limits.For(wallet)!;
        var reasons = new List<string>();
        if (gross < limits.MinPerPayout)
        {
            reasons.Add(QuoteReasons.BelowMinimum);
        }

        if (gross > limits.MaxPerPayout)
        {
            reasons.Add(QuoteReasons.AboveMaximum);
        }

        if (c.Usage is { } usage)
        {
            if (limits.DailyAmount is { } daily && usage.AmountToday + gross > daily)
            {
                reasons.Add(QuoteReasons.DailyAmount);
            }

            if (limits.MonthlyAmount is { } monthly && usage.AmountThisMonth + gross > monthly)
            {
                reasons.Add(QuoteReasons.MonthlyAmount);
            }
        }

        if (reasons.Count > 0 && !reasons.All(QuoteReasons.CuredByLargerAmount))
        {
            // Too much for the limits: the fee breakdown would not change that.
            return new Priced(null, reasons);
        }

        var fees = Fees(offering, wallet, gross, c.Usage);
        var totalFee = Money.Zero(wallet);
        foreach (var line in fees)
        {
            totalFee += line.Amount;
        }

        if (totalFee >= gross)
        {
            reasons.Add(QuoteReasons.FeesExceedAmount);
            return new Priced(null, reasons);
        }

        var sent = gross - totalFee;
        var spread = wallet == scope.Payout ? 0 : offering.Fees.FxSpreadBps;
        var applied = c.MidMarket.LessSpread(spread);
        var converted = new Money(applied.ConvertUnits(sent.Units, wallet.LedgerScale, scope.Payout.LedgerScale), scope.Payout);
        var (net, roundingLoss) = converted.SplitPayable();
        if (net.IsZero)
        {
            reasons.Add(QuoteReasons.NetZero);
        }

        if (reasons.Count > 0)
        {
            return new Priced(null, reasons);
        }

        var spreadCost = new Money(Int128Math.ToLong(Int128Math.CeilDiv(checked((Int128)sent.Units * spread), Bps)), wallet);
        var netValue = new Money(c.MidMarket.Inverse().ConvertUnits(net.Units, scope.Payout.LedgerScale, wallet.LedgerScale), wallet);
        var costBps = (int)Int128Math.CeilDiv(checked((Int128)(gross - netValue).Units * Bps), gross.Units);
        var speed = offering.Speed;
        var option = new QuoteOption(
            c.Provider.Id,
            c.Provider.Name,
            c.Provider.Rail,
            c.Provider.Sandbox,
            offering.Method,
            gross,
            fees,
            totalFee,
            sent,
            c.MidMarket,
            applied,
            spread,
            spreadCost,
            net,
            roundingLoss,
            netValue,
            costBps,
            speed.Typical,
            speed.Worst,
            scope.Now + speed.Typical,
            scope.Now + speed.Worst,
            IsCheapest: false,
            IsFastest: false);
        return new Priced(option, []);
    }

    /// <summary>The fee lines for <paramref name="gross"/>; zero lines are omitted.</summary>
    internal static IReadOnlyList<FeeLine> Fees(Offering offering, Currency wallet, Money gross, ProviderUsage? usage)
    {
        var schedule = offering.Fees;
        var lines = new List<FeeLine>();
        var flat = schedule.FlatFor(wallet);
        var percentage = new Money(Int128Math.ToLong(Int128Math.CeilDiv(checked((Int128)gross.Units * schedule.PercentBps), Bps)), wallet);
        if (!flat.IsZero)
        {
            lines.Add(new FeeLine(FeeKind.Flat, flat));
        }

        if (!percentage.IsZero)
        {
            lines.Add(new FeeLine(FeeKind.Percentage, percentage, schedule.PercentBps));
        }

        var variable = flat + percentage;
        if (schedule.MinimumFor(wallet) is { } min && variable < min)
        {
            lines.Add(new FeeLine(FeeKind.MinimumAdjustment, min - variable));
        }
        else if (schedule.MaximumFor(wallet) is { } max && variable > max)
        {
            lines.Add(new FeeLine(FeeKind.MaximumAdjustment, max - variable));
        }

        if (offering.Method == PayoutMethod.PrepaidCard)
        {
            var active = usage?.PrepaidCardActive ?? false;
            var activation = schedule.ActivationFor(wallet);
            var monthly = schedule.MonthlyFor(wallet);
            if (!active && !activation.IsZero)
            {
                lines.Add(new FeeLine(FeeKind.Activation, activation));
            }

            if ((!active || usage!.CountThisMonth == 0) && !monthly.IsZero)
            {
                lines.Add(new FeeLine(FeeKind.Monthly, monthly));
            }
        }

        return lines;
    }

    /// <summary>Highest net first; then lower effective cost; then faster; then provider id and method for determinism.</summary>
    private static int CheaperFirst(QuoteOption a, QuoteOption b)
    {
        var c = b.Net.Units.CompareTo(a.Net.Units);
        if (c == 0)
        {
            c = a.EffectiveCostBps.CompareTo(b.EffectiveCostBps);
        }

        if (c == 0)
        {
            c = a.TypicalArrival.CompareTo(b.TypicalArrival);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.ProviderId, b.ProviderId);
        }

        return c != 0 ? c : a.Method.CompareTo(b.Method);
    }

    /// <summary>
    /// The smallest whole-ISO-minor amount above the gross at which some option's effective cost is within the
    /// target. Per option, bounded by the largest amount its limits allow: a galloping search up from the current
    /// gross (known not to meet the target) brackets the first amount that meets it, then a binary search narrows the
    /// bracket. Both rely on the cost curve being non-increasing in the amount (fixed and minimum fees shrink as a
    /// share; the percentage and the spread stay constant); rounding to minor units can make it wobble by a
    /// basis point, so the answer is the first amount that meets the target after one that does not.
    /// </summary>
    private static WaitAdvice? Wait(QuoteRequest request, Scope scope, Money gross, List<(Candidate Candidate, Priced Priced)> priced)
    {
        var wallet = scope.Wallet;
        var perMinor = wallet.LedgerUnitsPerIsoMinor;
        (long Minor, Candidate Candidate, QuoteOption Option)? best = null;
        foreach (var (c, p) in priced)
        {
            var curable = c.FixedReasons.Count == 0
                && (p.Option is not null || p.Reasons.All(QuoteReasons.CuredByLargerAmount));
            if (!curable)
            {
                continue;
            }

            var limits = c.Offering.Limits.For(wallet)!;
            var hiUnits = limits.MaxPerPayout.Units;
            if (c.Usage is { } u)
            {
                if (limits.DailyAmount is { } d)
                {
                    hiUnits = Math.Min(hiUnits, d.Units - u.AmountToday.Units);
                }

                if (limits.MonthlyAmount is { } m)
                {
                    hiUnits = Math.Min(hiUnits, m.Units - u.AmountThisMonth.Units);
                }
            }

            var lo = gross.IsoMinorUnits;
            var hi = hiUnits / perMinor;
            if (best is { } b)
            {
                hi = Math.Min(hi, b.Minor);
            }

            if (hi <= lo || Gallop(lo, hi, Meets) is not { } bracket)
            {
                continue;
            }

            // Invariant: the amount `below` does not meet the target, `found` does; narrow to adjacent amounts.
            var (below, found) = bracket;
            while (found.Minor - below > 1)
            {
                var mid = below + ((found.Minor - below) / 2);
                if (Meets(mid) is { } option)
                {
                    found = (mid, option);
                }
                else
                {
                    below = mid;
                }
            }

            if (best is null || found.Minor < best.Value.Minor)
            {
                best = (found.Minor, c, found.Option);
            }

            QuoteOption? Meets(long minor)
            {
                var o = Price(c, Money.FromIsoMinor(minor, wallet), scope).Option;
                return o is not null && o.EffectiveCostBps <= request.TargetMaxCostBps ? o : null;
            }
        }

        if (best is not { } chosen)
        {
            return null;
        }

        var target = Money.FromIsoMinor(chosen.Minor, wallet);
        var shortfall = target - request.Amount;
        return new WaitAdvice(
            target,
            shortfall,
            chosen.Candidate.Provider.Id,
            chosen.Candidate.Offering.Method,
            chosen.Option.EffectiveCostBps,
            request.EarningRatePerDay is { } rate ? Projected(scope.Now, shortfall, rate) : null);
    }

    /// <summary>
    /// Doubles the distance above <paramref name="lo"/> (which does not meet the target) until an amount meets it,
    /// capped at <paramref name="hi"/>: the search stays near realistic amounts and never starts at a huge limit.
    /// Returns the last amount that failed and the first that met, or null when even <paramref name="hi"/> fails.
    /// </summary>
    private static (long Below, (long Minor, QuoteOption Option) Found)? Gallop(long lo, long hi, Func<long, QuoteOption?> meets)
    {
        var below = lo;
        var step = Math.Max(1, lo);
        while (true)
        {
            var probe = step >= hi - below ? hi : below + step;
            if (meets(probe) is { } option)
            {
                return (below, (probe, option));
            }

            if (probe == hi)
            {
                return null;
            }

            below = probe;
            step = step > long.MaxValue / 2 ? long.MaxValue : step * 2;
        }
    }

    /// <summary>Now + shortfall / rate days, rounded up to the second; null when beyond the calendar.</summary>
    private static DateTimeOffset? Projected(DateTimeOffset now, Money shortfall, Money ratePerDay)
    {
        var seconds = Int128Math.CeilDiv(checked((Int128)shortfall.Units * 86_400), ratePerDay.Units);
        var maxSeconds = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks) / TimeSpan.TicksPerSecond;
        return seconds > maxSeconds ? null : now.AddSeconds((long)seconds);
    }

    private sealed record Scope(
        Currency Wallet,
        Currency Payout,
        string Country,
        DateTimeOffset Now,
        bool IncludeSandbox,
        TimeSpan? MaxRateAge,
        RedFlagPolicy? RedFlags,
        IReadOnlyDictionary<string, ProviderUsage> Usage,
        Providers.Trust.ProviderStanding? Standing);

    private sealed record Candidate(Provider Provider, Offering Offering, IReadOnlyList<string> FixedReasons, FxRate MidMarket, ProviderUsage? Usage);

    private readonly record struct Priced(QuoteOption? Option, IReadOnlyList<string> Reasons);
}

/// <summary>Input of <see cref="QuoteCalculator.CostCurve"/>: one method, a list of amounts in the wallet currency.</summary>
public sealed record CostCurveRequest(
    Currency WalletCurrency,
    Currency PayoutCurrency,
    string DestinationCountry,
    PayoutMethod Method,
    IReadOnlyList<Money> Amounts,
    DateTimeOffset Now)
{
    public bool IncludeSandbox { get; init; } = true;

    public RedFlagPolicy? RedFlags { get; init; }

    /// <summary>As <see cref="QuoteRequest.Standing"/>.</summary>
    public Providers.Trust.ProviderStanding? Standing { get; init; }
}

/// <summary>The cost curve of one provider for one method.</summary>
public sealed record CostCurveSeries(string ProviderId, string ProviderName, PayoutMethod Method, IReadOnlyList<CostCurvePoint> Points);

/// <summary>One point: the amount asked, the payable gross, and the effective cost and net, or the reasons it cannot be quoted.</summary>
public sealed record CostCurvePoint(Money Amount, Money Gross, int? EffectiveCostBps, Money? Net, IReadOnlyList<string> Reasons);
