using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>What every rule's parameters have: whether it runs, and the outcome of a hit.</summary>
public abstract record AmlRuleParameters(bool Enabled, AmlOutcome OnHit);

/// <summary><c>aml.large_amount</c>: one cash-out of at least <paramref name="SingleAmount"/>.</summary>
public sealed record LargeAmountParameters(bool Enabled, AmlOutcome OnHit, Money.Money SingleAmount) : AmlRuleParameters(Enabled, OnHit);

/// <summary><c>aml.daily_total</c>: the holder's cash-outs in one local day, this one included, reach <paramref name="Threshold"/>.</summary>
public sealed record DailyTotalParameters(bool Enabled, AmlOutcome OnHit, Money.Money Threshold) : AmlRuleParameters(Enabled, OnHit);

/// <summary>
/// <c>aml.structuring</c>: at least <paramref name="MinCount"/> cash-outs (this one included) within <paramref name="Window"/>,
/// each just under <paramref name="Threshold"/>: at or above Threshold × (1 − <paramref name="BandBps"/>/10 000).
/// </summary>
public sealed record StructuringParameters(bool Enabled, AmlOutcome OnHit, Money.Money Threshold, int BandBps, int MinCount, TimeSpan Window) : AmlRuleParameters(Enabled, OnHit);

/// <summary><c>aml.velocity</c>: within <paramref name="Window"/>, more than <paramref name="MaxCount"/> cash-outs or more than <paramref name="MaxAmount"/> in total.</summary>
public sealed record VelocityParameters(bool Enabled, AmlOutcome OnHit, TimeSpan Window, int MaxCount, Money.Money MaxAmount) : AmlRuleParameters(Enabled, OnHit);

/// <summary>
/// <c>aml.rapid_in_out</c>: credits of at least <paramref name="MinAmount"/> arrived within <paramref name="Window"/> and this
/// cash-out takes at least <paramref name="ShareBps"/>/10 000 of them.
/// </summary>
public sealed record RapidInOutParameters(bool Enabled, AmlOutcome OnHit, TimeSpan Window, int ShareBps, Money.Money MinAmount) : AmlRuleParameters(Enabled, OnHit);

/// <summary>
/// <c>aml.credit_cycling</c>: credits bought on credit (a funding in <paramref name="Fundings"/>, or from a source type in
/// <paramref name="SourceTypes"/>) of at least <paramref name="MinAmount"/> arrived within <paramref name="Window"/> and this
/// cash-out takes at least <paramref name="ShareBps"/>/10 000 of them.
/// </summary>
public sealed record CreditCyclingParameters(
    bool Enabled,
    AmlOutcome OnHit,
    TimeSpan Window,
    int ShareBps,
    Money.Money MinAmount,
    IReadOnlySet<CreditFunding> Fundings,
    IReadOnlySet<SourceType> SourceTypes) : AmlRuleParameters(Enabled, OnHit);

/// <summary><c>aml.fan_in</c>: within <paramref name="Window"/>, credits from more than <paramref name="MaxSources"/> sources or more than <paramref name="MaxSenders"/> named senders.</summary>
public sealed record FanInParameters(bool Enabled, AmlOutcome OnHit, TimeSpan Window, int MaxSources, int MaxSenders) : AmlRuleParameters(Enabled, OnHit);

/// <summary><c>aml.shared_destination</c>: at least <paramref name="MinOtherHolders"/> other holders use the same destination.</summary>
public sealed record SharedDestinationParameters(bool Enabled, AmlOutcome OnHit, int MinOtherHolders) : AmlRuleParameters(Enabled, OnHit);

/// <summary><c>aml.dormant_reactivation</c>: no activity for at least <paramref name="DormantAfter"/>, then a credit or cash-out of at least <paramref name="MinAmount"/>.</summary>
public sealed record DormantParameters(bool Enabled, AmlOutcome OnHit, TimeSpan DormantAfter, Money.Money MinAmount) : AmlRuleParameters(Enabled, OnHit);

/// <summary>
/// <c>aml.high_risk_country</c>: a cash-out to a country in <paramref name="RejectCountries"/> is rejected, to one in
/// <paramref name="HoldCountries"/> held. <see cref="AmlRuleParameters.OnHit"/> is the strictest of the two.
/// </summary>
public sealed record HighRiskCountryParameters(bool Enabled, IReadOnlySet<string> RejectCountries, IReadOnlySet<string> HoldCountries)
    : AmlRuleParameters(Enabled, AmlOutcome.Reject);

/// <summary><c>aml.travel_rule</c>: a crypto cash-out of at least <paramref name="Threshold"/> (zero: every one) without travel-rule data.</summary>
public sealed record TravelRuleParameters(bool Enabled, AmlOutcome OnHit, Money.Money Threshold) : AmlRuleParameters(Enabled, OnHit);

/// <summary>
/// The AML rule parameters of one jurisdiction profile (its <c>aml</c> section); amounts are in the profile currency.
/// A rule or field left out takes the default of <see cref="Defaults"/>, whose amounts are fixed shares of the profile's
/// CTR threshold, so a profile without an <c>aml</c> section still monitors.
/// </summary>
public sealed record AmlParameters(
    LargeAmountParameters LargeAmount,
    DailyTotalParameters DailyTotal,
    StructuringParameters Structuring,
    VelocityParameters Velocity,
    RapidInOutParameters RapidInOut,
    CreditCyclingParameters CreditCycling,
    FanInParameters FanIn,
    SharedDestinationParameters SharedDestination,
    DormantParameters Dormant,
    HighRiskCountryParameters HighRiskCountry,
    TravelRuleParameters TravelRule)
{
    /// <summary>
    /// Defaults for a profile whose CTR threshold is <paramref name="ctr"/>: large single cash-out 50 % of it, daily total and
    /// structuring at it (band 10 %, 2 in 7 days), velocity 3 an hour or 30 % of it, rapid in-and-out 80 % of at least 10 % of
    /// it within 60 minutes, credit cycling 50 % of at least 0.5 % of it bought by carrier billing or card within 24 hours,
    /// fan-in over 5 sources or 20 senders in 7 days, a destination shared with 2 other holders, 180 days dormant then
    /// 1 % of it, reject KP IR MM, every crypto cash-out without travel-rule data rejected.
    /// </summary>
    public static AmlParameters Defaults(Money.Money ctr)
    {
        Money.Money Share(int percentTimesTen) => new(checked(ctr.Units / 1000 * percentTimesTen), ctr.Currency);
        return new AmlParameters(
            new LargeAmountParameters(true, AmlOutcome.Hold, Share(500)),
            new DailyTotalParameters(true, AmlOutcome.Hold, ctr),
            new StructuringParameters(true, AmlOutcome.Hold, ctr, 1000, 2, TimeSpan.FromHours(168)),
            new VelocityParameters(true, AmlOutcome.Hold, TimeSpan.FromMinutes(60), 3, Share(300)),
            new RapidInOutParameters(true, AmlOutcome.Hold, TimeSpan.FromMinutes(60), 8000, Share(100)),
            new CreditCyclingParameters(true, AmlOutcome.Hold, TimeSpan.FromMinutes(1440), 5000, Share(5),
                new HashSet<CreditFunding> { CreditFunding.CarrierBilling, CreditFunding.Card }, new HashSet<SourceType>()),
            new FanInParameters(true, AmlOutcome.Hold, TimeSpan.FromDays(7), 5, 20),
            new SharedDestinationParameters(true, AmlOutcome.Hold, 2),
            new DormantParameters(true, AmlOutcome.Hold, TimeSpan.FromDays(180), Share(10)),
            new HighRiskCountryParameters(true, new HashSet<string>(StringComparer.Ordinal) { "KP", "IR", "MM" }, new HashSet<string>(StringComparer.Ordinal)),
            new TravelRuleParameters(true, AmlOutcome.Reject, Money.Money.Zero(ctr.Currency)));
    }

    /// <summary>
    /// Reads an <c>aml</c> section (null: all defaults). Unknown rules and fields are refused, so a misspelt name is not
    /// silently ignored; every error names the field (<c>profiles[0] (KR).aml.velocity.max_count</c>).
    /// </summary>
    public static Result<AmlParameters> Parse(JsonElement? aml, Money.Money ctr, string at)
    {
        var d = Defaults(ctr);
        if (aml is not { } root || root.ValueKind == JsonValueKind.Null)
        {
            return d;
        }

        at = $"{at}.aml";
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Bad(at, "aml is an object of rule name → parameters.");
        }

        string[] rules = ["large_amount", "daily_total", "structuring", "velocity", "rapid_in_out", "credit_cycling", "fan_in", "shared_destination", "dormant_reactivation", "high_risk_country", "travel_rule"];
        foreach (var p in root.EnumerateObject())
        {
            if (!rules.Contains(p.Name, StringComparer.Ordinal) && p.Name != "$comment")
            {
                return Bad($"{at}.{p.Name}", $"Unknown AML rule '{p.Name}'; the rules are {string.Join(", ", rules)}.");
            }
        }

        var currency = ctr.Currency;
        Section S(string name) => new(root.TryGetProperty(name, out var e) ? e : null, $"{at}.{name}", currency);

        var s = S("large_amount");
        var large = new LargeAmountParameters(s.Enabled(d.LargeAmount), s.Outcome(d.LargeAmount), s.Amount("single_amount", d.LargeAmount.SingleAmount));
        if (s.Finish() is { } e1)
        {
            return e1;
        }

        s = S("daily_total");
        var daily = new DailyTotalParameters(s.Enabled(d.DailyTotal), s.Outcome(d.DailyTotal), s.Amount("threshold", d.DailyTotal.Threshold));
        if (s.Finish() is { } e2)
        {
            return e2;
        }

        s = S("structuring");
        var structuring = new StructuringParameters(s.Enabled(d.Structuring), s.Outcome(d.Structuring), s.Amount("threshold", d.Structuring.Threshold),
            s.Int("band_bps", d.Structuring.BandBps, 1, 9999), s.Int("min_count", d.Structuring.MinCount, 1, 1000), s.Hours("window_hours", d.Structuring.Window, 24 * 31));
        if (s.Finish() is { } e3)
        {
            return e3;
        }

        s = S("velocity");
        var velocity = new VelocityParameters(s.Enabled(d.Velocity), s.Outcome(d.Velocity), s.Minutes("window_minutes", d.Velocity.Window, 60 * 24 * 7),
            s.Int("max_count", d.Velocity.MaxCount, 1, 100_000), s.Amount("max_amount", d.Velocity.MaxAmount));
        if (s.Finish() is { } e4)
        {
            return e4;
        }

        s = S("rapid_in_out");
        var rapid = new RapidInOutParameters(s.Enabled(d.RapidInOut), s.Outcome(d.RapidInOut), s.Minutes("window_minutes", d.RapidInOut.Window, 60 * 24 * 7),
            s.Int("share_bps", d.RapidInOut.ShareBps, 1, 10_000), s.Amount("min_amount", d.RapidInOut.MinAmount));
        if (s.Finish() is { } e5)
        {
            return e5;
        }

        s = S("credit_cycling");
        var cycling = new CreditCyclingParameters(s.Enabled(d.CreditCycling), s.Outcome(d.CreditCycling), s.Minutes("window_minutes", d.CreditCycling.Window, 60 * 24 * 31),
            s.Int("share_bps", d.CreditCycling.ShareBps, 1, 10_000), s.Amount("min_amount", d.CreditCycling.MinAmount),
            s.Set("fundings", d.CreditCycling.Fundings, v => CreditFundings.FromWire(v), "carrier_billing, card, balance or unknown"),
            s.Set("source_types", d.CreditCycling.SourceTypes, SourceTypes.FromWire, "carrier_refund, creator_earnings, gift_card_credit, e_wallet or other"));
        if (s.Finish() is { } e6)
        {
            return e6;
        }

        s = S("fan_in");
        var fanIn = new FanInParameters(s.Enabled(d.FanIn), s.Outcome(d.FanIn), s.Days("window_days", d.FanIn.Window, 31),
            s.Int("max_sources", d.FanIn.MaxSources, 1, 100_000), s.Int("max_senders", d.FanIn.MaxSenders, 1, 100_000));
        if (s.Finish() is { } e7)
        {
            return e7;
        }

        s = S("shared_destination");
        var shared = new SharedDestinationParameters(s.Enabled(d.SharedDestination), s.Outcome(d.SharedDestination), s.Int("min_other_holders", d.SharedDestination.MinOtherHolders, 1, 100_000));
        if (s.Finish() is { } e8)
        {
            return e8;
        }

        s = S("dormant_reactivation");
        var dormant = new DormantParameters(s.Enabled(d.Dormant), s.Outcome(d.Dormant), s.Days("dormant_days", d.Dormant.DormantAfter, 3650), s.Amount("min_amount", d.Dormant.MinAmount));
        if (s.Finish() is { } e9)
        {
            return e9;
        }

        s = S("high_risk_country");
        static string? Country(string v) => Destinations.CountryCodes.All.Contains(v) ? v : null;
        var highRisk = new HighRiskCountryParameters(s.Enabled(d.HighRiskCountry),
            s.Set("reject", d.HighRiskCountry.RejectCountries, Country, "ISO 3166 alpha-2 codes such as KP"),
            s.Set("hold", d.HighRiskCountry.HoldCountries, Country, "ISO 3166 alpha-2 codes such as KP"));
        if (s.Finish() is { } e10)
        {
            return e10;
        }

        if (highRisk.RejectCountries.Intersect(highRisk.HoldCountries).FirstOrDefault() is { } both)
        {
            return Bad($"{at}.high_risk_country.hold", $"{both} is in both the reject and the hold list.");
        }

        s = S("travel_rule");
        var travel = new TravelRuleParameters(s.Enabled(d.TravelRule), s.Outcome(d.TravelRule), s.Amount("threshold", d.TravelRule.Threshold, allowZero: true));
        if (s.Finish() is { } e11)
        {
            return e11;
        }

        return new AmlParameters(large, daily, structuring, velocity, rapid, cycling, fanIn, shared, dormant, highRisk, travel);
    }

    private static Error Bad(string field, string message) => new("jurisdictions.invalid", message, field);

    /// <summary>Reads one rule's object, remembering the first error and the fields it has read.</summary>
    private sealed class Section(JsonElement? element, string at, Currency currency)
    {
        private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "$comment" };
        private Error? _error;

        public bool Enabled(AmlRuleParameters d)
        {
            if (Get("enabled") is not { } v)
            {
                return d.Enabled;
            }

            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetBoolean();
            }

            Fail("enabled", "enabled is true or false.");
            return d.Enabled;
        }

        public AmlOutcome Outcome(AmlRuleParameters d)
        {
            if (Get("outcome") is not { } v)
            {
                return d.OnHit;
            }

            var o = v.ValueKind == JsonValueKind.String ? AmlOutcomes.FromWire(v.GetString()) : null;
            if (o is null or AmlOutcome.Allow)
            {
                Fail("outcome", "outcome is \"hold\" or \"reject\".");
                return d.OnHit;
            }

            return o.Value;
        }

        public int Int(string name, int d, int min, int max)
        {
            if (Get(name) is not { } v)
            {
                return d;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max)
            {
                return n;
            }

            Fail(name, $"{name} is a whole number from {min} to {max}.");
            return d;
        }

        public TimeSpan Minutes(string name, TimeSpan d, int max) => TimeSpan.FromMinutes(Int(name, (int)d.TotalMinutes, 1, max));

        public TimeSpan Hours(string name, TimeSpan d, int max) => TimeSpan.FromHours(Int(name, (int)d.TotalHours, 1, max));

        public TimeSpan Days(string name, TimeSpan d, int max) => TimeSpan.FromDays(Int(name, (int)d.TotalDays, 1, max));

        public Money.Money Amount(string name, Money.Money d, bool allowZero = false)
        {
            if (Get(name) is not { } v)
            {
                return d;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Fail(name, "Amounts are decimal strings such as \"1000\".");
                return d;
            }

            var field = $"{at}.{name}";
            var r = allowZero ? Money.Money.Parse(v.GetString(), currency, field) : Money.Money.ParsePositive(v.GetString(), currency, field);
            if (!r.TryGet(out var m, out var e))
            {
                Fail(name, e.Message);
                return d;
            }

            if (m.Units < 0)
            {
                Fail(name, $"{name} is zero or more.");
                return d;
            }

            return m;
        }

        public IReadOnlySet<T> Set<T>(string name, IReadOnlySet<T> d, Func<string, T?> parse, string expected)
            where T : struct
        {
            return Set(name, d, v => parse(v) is { } x ? (x, true) : (default, false), expected, EqualityComparer<T>.Default);
        }

        public IReadOnlySet<string> Set(string name, IReadOnlySet<string> d, Func<string, string?> parse, string expected) =>
            Set(name, d, v => parse(v) is { } x ? (x, true) : (string.Empty, false), expected, StringComparer.Ordinal);

        /// <summary>The first error, or one naming a field this rule does not have.</summary>
        public Error? Finish()
        {
            if (_error is not null || element is not { } e)
            {
                return _error;
            }

            var unknown = e.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !_known.Contains(n));
            return unknown is null ? null : Bad($"{at}.{unknown}", $"Unknown field '{unknown}'; this rule takes {string.Join(", ", _known.Where(k => k != "$comment"))}.");
        }

        private IReadOnlySet<T> Set<T>(string name, IReadOnlySet<T> d, Func<string, (T Value, bool Ok)> parse, string expected, IEqualityComparer<T> comparer)
        {
            if (Get(name) is not { } v)
            {
                return d;
            }

            if (v.ValueKind != JsonValueKind.Array)
            {
                Fail(name, $"{name} is a list of {expected}.");
                return d;
            }

            var set = new HashSet<T>(comparer);
            foreach (var item in v.EnumerateArray())
            {
                var (value, ok) = item.ValueKind == JsonValueKind.String ? parse(item.GetString()!) : (default!, false);
                if (!ok)
                {
                    Fail(name, $"{name} lists {expected}; '{item}' is not one.");
                    return d;
                }

                set.Add(value);
            }

            return set;
        }

        private JsonElement? Get(string name)
        {
            _known.Add(name);
            if (element is not { } e)
            {
                return null;
            }

            if (e.ValueKind != JsonValueKind.Object)
            {
                _error ??= Bad(at, "Each AML rule is an object of parameters.");
                return null;
            }

            return e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
        }

        private void Fail(string name, string message) => _error ??= Bad($"{at}.{name}", message);
    }
}
