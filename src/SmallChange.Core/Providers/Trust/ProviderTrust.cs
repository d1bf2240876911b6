using System.Globalization;

namespace SmallChange.Core.Providers.Trust;

/// <summary>One reason a provider's trust is lower: a stable code, the points it takes off, whether it suspends on its own, and the figures.</summary>
/// <param name="Code">A <see cref="ProviderReasons"/> code.</param>
/// <param name="Points">Points taken off the score of 100.</param>
/// <param name="Suspends">True when this reason alone keeps the provider from being quoted.</param>
/// <param name="Detail">What the rule saw, e.g. "12 of 80 finished cash-outs failed (15.0 %) in 30 days; the line is 5.0 %".</param>
public sealed record TrustReason(string Code, int Points, bool Suspends, string Detail);

/// <summary>
/// A provider's standing at one instant: a trust score from 0 to 100 with the reasons that lowered it, the status that
/// decides quoting (the configured status, or suspended when a rule says so), and the outcomes it was judged on.
/// </summary>
public sealed record ProviderTrust(
    string ProviderId,
    int Score,
    ProviderStatus Status,
    ProviderStatus ConfiguredStatus,
    IReadOnlyList<TrustReason> Reasons,
    ProviderOutcomes Outcomes,
    bool RatesJudged)
{
    public bool IsQuotable => Status == ProviderStatus.Active;

    /// <summary>The reasons that keep the provider from being quoted, as the quote and cash-out paths report them.</summary>
    public ProviderEligibility Eligibility => new(Reasons.Where(r => r.Suspends).Select(r => r.Code).ToList());
}

/// <summary>
/// The provider trust rules. Pure: the same provider, outcomes, instant and policy give the same answer.
/// <list type="bullet">
/// <item>configuration: unverified (−100), suspended by the operator (0 points, suspends);</item>
/// <item>licences: none (−60) or every one expired (−60), both suspend; the last valid one expiring within the warning
/// window (−5);</item>
/// <item>fees: an FX rate better than mid-market (−50) or zero fees with high limits (−40), both suspend;</item>
/// <item>outcomes (with enough finished cash-outs): failure rate and return rate above the flag line (−20 each) or above
/// the suspension line (−60 each, suspends);</item>
/// <item>a score below <see cref="TrustPolicy.SuspendBelowScore"/> suspends as well.</item>
/// </list>
/// Sandbox providers move no money and need no licence; every other rule applies to them.
/// </summary>
public static class ProviderTrustRules
{
    public static ProviderTrust Evaluate(Provider provider, ProviderOutcomes? outcomes, DateTimeOffset now, TrustPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(policy);
        outcomes ??= ProviderOutcomes.None(provider.Id);
        var reasons = new List<TrustReason>();

        // The configuration's own verdict, in the order Provider.Eligibility reports it.
        foreach (var code in provider.Eligibility(now, policy.RedFlags).Reasons)
        {
            reasons.Add(code switch
            {
                ProviderReasons.Unverified => new TrustReason(code, TrustPolicy.Points.Unverified, true, "the operator has not verified this provider (due diligence not done)"),
                ProviderReasons.Suspended => new TrustReason(code, TrustPolicy.Points.Suspended, true,
                    "suspended by the operator" + (provider.StatusNote is { Length: > 0 } note ? ": " + note : "")),
                ProviderReasons.NoLicence => new TrustReason(code, TrustPolicy.Points.NoLicence, true, "no licence on record"),
                ProviderReasons.LicenceExpired => new TrustReason(code, TrustPolicy.Points.LicenceExpired, true,
                    "every licence has expired: " + string.Join(", ", provider.Licences.Select(l => $"{l.Regulator} {l.Number} on {Day(l.Expires)}"))),
                ProviderReasons.RateBetterThanMidMarket => new TrustReason(code, TrustPolicy.Points.RateBetterThanMidMarket, true,
                    "an FX spread below zero promises a rate better than mid-market: " + string.Join(", ",
                        provider.Offerings.Where(o => o.Fees.FxSpreadBps < 0).Select(o => $"{o.Method.ToWireName()} {o.Fees.FxSpreadBps} bps"))),
                ProviderReasons.ZeroFeeHighLimit => new TrustReason(code, TrustPolicy.Points.ZeroFeeHighLimit, true,
                    "charges nothing at all yet accepts payouts above the zero-fee line: " + ZeroFeeDetail(provider, policy.RedFlags)),
                _ => new TrustReason(code, 0, true, code),
            });
        }

        if (!provider.Sandbox && provider.Licences.Where(l => l.IsValidAt(now)).OrderByDescending(l => l.Expires).FirstOrDefault() is { } last)
        {
            var lastValidDay = last.Expires.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc);
            if (lastValidDay - now.UtcDateTime < policy.LicenceExpiryWarning)
            {
                var days = last.Expires.DayNumber - DateOnly.FromDateTime(now.UtcDateTime).DayNumber;
                reasons.Add(new TrustReason(ProviderReasons.LicenceExpiringSoon, TrustPolicy.Points.LicenceExpiringSoon, false,
                    $"its last valid licence ({last.Regulator} {last.Number}) expires on {Day(last.Expires)}, in {days} day(s)"));
            }
        }

        var judged = outcomes.Finished >= policy.MinOutcomes;
        var window = $"{policy.OutcomeWindow.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days";
        if (judged)
        {
            RateReason(reasons, ProviderReasons.FailureRateHigh, outcomes.Failed, outcomes.Finished, policy.FailureRateFlagBps, policy.FailureRateSuspendBps,
                $"finished cash-outs failed in {window}");
            RateReason(reasons, ProviderReasons.ReturnRateHigh, outcomes.Returned, outcomes.Delivered, policy.ReturnRateFlagBps, policy.ReturnRateSuspendBps,
                $"paid cash-outs came back in {window}");
        }

        var score = Math.Max(0, 100 - reasons.Sum(r => r.Points));
        if (score < policy.SuspendBelowScore && !reasons.Any(r => r.Suspends))
        {
            reasons.Add(new TrustReason(ProviderReasons.TrustBelowMinimum, 0, true, $"trust score {score} is below the minimum of {policy.SuspendBelowScore}"));
        }

        var configured = provider.Verified ? provider.Status : ProviderStatus.Unverified;
        var status = configured != ProviderStatus.Active ? configured : reasons.Any(r => r.Suspends) ? ProviderStatus.Suspended : ProviderStatus.Active;
        return new ProviderTrust(provider.Id, score, status, configured, reasons, outcomes, judged);
    }

    private static void RateReason(List<TrustReason> reasons, string code, int count, int of, int flagBps, int suspendBps, string what)
    {
        // Compare count / of with bps / 10 000 exactly, without rounding.
        var tenThousandths = checked((long)count * 10_000);
        var line = tenThousandths > (long)suspendBps * of ? suspendBps : tenThousandths > (long)flagBps * of ? flagBps : -1;
        if (line < 0)
        {
            return;
        }

        var suspends = line == suspendBps;
        reasons.Add(new TrustReason(code, suspends ? TrustPolicy.Points.RateSuspends : TrustPolicy.Points.RateFlagged, suspends,
            $"{count} of {of} {what} ({Percent(tenThousandths, of)}); the {(suspends ? "suspension" : "flag")} line is {Percent(line, 1)}"));
    }

    private static string Percent(long tenThousandths, long of) =>
        (tenThousandths / (decimal)of / 100m).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string ZeroFeeDetail(Provider provider, RedFlagPolicy policy) => string.Join(", ",
        from o in provider.Offerings
        from c in o.SourceCurrencies
        where o.Fees.IsFreeFor(c) && o.Limits.For(c) is not null && policy.ZeroFeeHighLimitThresholds.ContainsKey(c)
              && o.Limits.For(c)!.MaxPerPayout > policy.ZeroFeeHighLimitThresholds[c]
        select $"{o.Method.ToWireName()} up to {o.Limits.For(c)!.MaxPerPayout} (line {policy.ZeroFeeHighLimitThresholds[c]})");
}
