using System.Globalization;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;

namespace SmallChange.Core.Compliance.Limits;

/// <summary>A cash-out that counts against the holder's limits (approved, held, submitted or paid).</summary>
public readonly record struct PriorCashout(Money.Money Gross, DateTimeOffset At);

/// <summary>
/// The KYC tier's limits in the holder's jurisdiction: may the tier cash out at all, per payout, and count and amount
/// per local day and month. Amounts in other currencies are compared at the mid-market rate in the profile currency.
/// A refusal names the limit, the figures it saw, and the tier that would allow the cash-out.
/// </summary>
public static class TierLimitCheck
{
    public const string Name = "limits";

    public static CheckResult Check(JurisdictionProfile profile, int tier, Money.Money gross, IReadOnlyList<PriorCashout> prior, FxRateTable rates, DateTimeOffset now)
    {
        var limits = profile.Tier(tier);
        if (limits is null || !limits.CashOut)
        {
            var next = profile.Tiers.Where(t => t.CashOut).OrderBy(t => t.Tier).FirstOrDefault();
            return CheckResult.Failed("kyc_tier", "kyc.tier_insufficient",
                $"tier {tier} can receive but not cash out in {profile.Id}" + (next is null ? "" : $"; tier {next.Tier} (verified identity) is required"));
        }

        var amount = rates.Convert(gross, profile.Currency);
        if (!amount.TryGet(out var value, out var fxError))
        {
            return CheckResult.Failed(Name, "fx.rate_unavailable", $"no rate to compare {gross.Currency.Code} with the {profile.Id} limits in {profile.Currency.Code}: {fxError.Message}");
        }

        var dayStart = profile.DayStart(now);
        var monthStart = profile.MonthStart(now);
        long dayUnits = 0, monthUnits = 0;
        int dayCount = 0, monthCount = 0;
        foreach (var p in prior)
        {
            if (p.At < monthStart)
            {
                continue;
            }

            var converted = rates.Convert(p.Gross, profile.Currency);
            var units = converted.IsOk ? converted.Value.Units : 0;
            monthUnits = checked(monthUnits + units);
            monthCount++;
            if (p.At >= dayStart)
            {
                dayUnits = checked(dayUnits + units);
                dayCount++;
            }
        }

        var failures = new (string Code, Func<TierLimits, bool> Allows, string Detail)[]
        {
            ("limit.per_payout", t => t.PerPayout is not { } max || value <= max,
                $"{Fmt(value)} per payout; tier {tier} allows {Fmt(limits.PerPayout)}"),
            ("limit.daily_count", t => t.DailyCount is not { } max || dayCount + 1 <= max,
                $"{dayCount} cash-outs today already; tier {tier} allows {limits.DailyCount} a day"),
            ("limit.daily_amount", t => t.DailyAmount is not { } max || dayUnits + value.Units <= max.Units,
                $"{Fmt(new Money.Money(dayUnits, profile.Currency))} today + {Fmt(value)}; tier {tier} allows {Fmt(limits.DailyAmount)} a day"),
            ("limit.monthly_count", t => t.MonthlyCount is not { } max || monthCount + 1 <= max,
                $"{monthCount} cash-outs this month already; tier {tier} allows {limits.MonthlyCount} a month"),
            ("limit.monthly_amount", t => t.MonthlyAmount is not { } max || monthUnits + value.Units <= max.Units,
                $"{Fmt(new Money.Money(monthUnits, profile.Currency))} this month + {Fmt(value)}; tier {tier} allows {Fmt(limits.MonthlyAmount)} a month"),
        };

        foreach (var (code, allows, detail) in failures)
        {
            if (allows(limits))
            {
                continue;
            }

            var higher = profile.Tiers.Where(t => t.Tier > tier && t.CashOut && failures.All(f => f.Allows(t))).OrderBy(t => t.Tier).FirstOrDefault();
            return CheckResult.Failed(Name, code, $"{profile.Id}: {detail}" + (higher is null ? "; no tier allows it" : $"; tier {higher.Tier} would allow it"));
        }

        return CheckResult.Passed(Name, $"{profile.Id} tier {tier}: {Fmt(value)} (today {dayCount + 1} cash-outs, {Fmt(new Money.Money(dayUnits + value.Units, profile.Currency))})");
    }

    private static string Fmt(Money.Money? m) => m is { } v ? $"{v.Currency.Code} {decimal.Parse(v.ToDecimalString(), CultureInfo.InvariantCulture).ToString("#,0.##", CultureInfo.InvariantCulture)}" : "no limit";
}
