using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Money;

namespace SmallChange.Core.Compliance.Profiles;

/// <summary>What a KYC tier may cash out in a jurisdiction. Null limits are unlimited; amounts are in the profile currency.</summary>
public sealed record TierLimits(int Tier, bool CashOut, Money.Money? PerPayout, Money.Money? DailyAmount, int? DailyCount, Money.Money? MonthlyAmount, int? MonthlyCount);

/// <summary>
/// A jurisdiction's rules as configuration: which countries it covers, its currency and time zone (days and months
/// are counted there), the KYC tiers and their limits, the currency-transaction reporting threshold, the
/// cooling-off period for new destinations and the AML rule parameters (amounts in the profile currency).
/// </summary>
public sealed record JurisdictionProfile(
    string Id,
    string Name,
    IReadOnlySet<string> Countries,
    bool IsFallback,
    Currency Currency,
    TimeZoneInfo TimeZone,
    TimeSpan CoolingOff,
    Money.Money CtrThreshold,
    IReadOnlyList<TierLimits> Tiers,
    AmlParameters Aml)
{
    public TierLimits? Tier(int tier) => Tiers.FirstOrDefault(t => t.Tier == tier);

    /// <summary>Start of the local day containing <paramref name="now"/>, as an instant.</summary>
    public DateTimeOffset DayStart(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZone);
        return LocalMidnight(local.Year, local.Month, local.Day);
    }

    /// <summary>Start of the local month containing <paramref name="now"/>, as an instant.</summary>
    public DateTimeOffset MonthStart(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZone);
        return LocalMidnight(local.Year, local.Month, 1);
    }

    private DateTimeOffset LocalMidnight(int year, int month, int day)
    {
        var midnight = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, TimeZone.GetUtcOffset(midnight));
    }
}

/// <summary>The configured profiles; a holder's country selects one, the <c>"*"</c> profile covers the rest.</summary>
public sealed class JurisdictionProfiles
{
    private readonly Dictionary<string, JurisdictionProfile> _byCountry;
    private readonly JurisdictionProfile _fallback;

    private JurisdictionProfiles(IReadOnlyList<JurisdictionProfile> all)
    {
        All = all;
        _fallback = all.Single(p => p.IsFallback);
        _byCountry = all.Where(p => !p.IsFallback).SelectMany(p => p.Countries.Select(c => (c, p))).ToDictionary(x => x.c, x => x.p, StringComparer.Ordinal);
    }

    public IReadOnlyList<JurisdictionProfile> All { get; }

    public JurisdictionProfile For(string country) => _byCountry.GetValueOrDefault(country) ?? _fallback;

    /// <summary>Parses <c>jurisdictions.json</c>; errors name the profile and field.</summary>
    public static Result<JurisdictionProfiles> Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!doc.RootElement.TryGetProperty("profiles", out var profiles) || profiles.ValueKind != JsonValueKind.Array)
            {
                return Bad("profiles", "The file needs a \"profiles\" array.");
            }

            var list = new List<JurisdictionProfile>();
            var i = 0;
            foreach (var p in profiles.EnumerateArray())
            {
                var at = $"profiles[{i++}]";
                var parsed = ParseProfile(p, at);
                if (!parsed.TryGet(out var profile, out var error))
                {
                    return error;
                }

                if (list.Any(x => x.Id == profile.Id))
                {
                    return Bad($"{at}.id", $"Profile id '{profile.Id}' appears twice.");
                }

                var overlap = list.Where(x => !x.IsFallback && !profile.IsFallback).SelectMany(x => x.Countries.Intersect(profile.Countries)).FirstOrDefault();
                if (overlap is not null)
                {
                    return Bad($"{at}.countries", $"Country {overlap} is in two profiles.");
                }

                list.Add(profile);
            }

            if (list.Count(p => p.IsFallback) != 1)
            {
                return Bad("profiles", "Exactly one profile must cover the other countries with \"countries\": [\"*\"].");
            }

            return new JurisdictionProfiles(list);
        }
        catch (JsonException e)
        {
            return Bad("$", $"Not valid JSON: {e.Message}");
        }
    }

    private static Result<JurisdictionProfile> ParseProfile(JsonElement p, string at)
    {
        string? Str(string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var id = Str("id");
        if (string.IsNullOrWhiteSpace(id))
        {
            return Bad($"{at}.id", "Each profile needs an id.");
        }

        var where = $"{at} ({id})";
        if (Currencies.Find(Str("currency")) is not { } currency)
        {
            return Bad($"{where}.currency", "currency must be a configured ISO code.");
        }

        TimeZoneInfo tz;
        try
        {
            tz = TimeZoneInfo.FindSystemTimeZoneById(Str("time_zone") ?? "UTC");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return Bad($"{where}.time_zone", "time_zone must be an IANA zone such as Asia/Seoul.");
        }

        if (!p.TryGetProperty("countries", out var countries) || countries.ValueKind != JsonValueKind.Array || countries.GetArrayLength() == 0)
        {
            return Bad($"{where}.countries", "countries must list ISO 3166 codes, or [\"*\"] for the fallback profile.");
        }

        var set = countries.EnumerateArray().Select(c => c.GetString() ?? "").ToHashSet(StringComparer.Ordinal);
        var fallback = set.Contains("*");
        if (fallback && set.Count != 1)
        {
            return Bad($"{where}.countries", "The fallback profile lists only \"*\".");
        }

        if (!fallback && set.FirstOrDefault(c => !Destinations.CountryCodes.All.Contains(c)) is { } unknown)
        {
            return Bad($"{where}.countries", $"'{unknown}' is not an ISO 3166 country code.");
        }

        var cooling = p.TryGetProperty("cooling_off_hours", out var co) && co.TryGetInt32(out var hours) && hours >= 0 ? hours : -1;
        if (cooling < 0)
        {
            return Bad($"{where}.cooling_off_hours", "cooling_off_hours is a whole number of hours ≥ 0.");
        }

        if (!p.TryGetProperty("reporting", out var reporting) || ParseAmount(reporting, "ctr_threshold", currency, $"{where}.reporting") is not { } ctrResult)
        {
            return Bad($"{where}.reporting.ctr_threshold", "reporting.ctr_threshold is required.");
        }

        if (!ctrResult.TryGet(out var ctr, out var ctrError))
        {
            return ctrError;
        }

        if (!p.TryGetProperty("tiers", out var tiers) || tiers.ValueKind != JsonValueKind.Array)
        {
            return Bad($"{where}.tiers", "tiers must be an array.");
        }

        var list = new List<TierLimits>();
        foreach (var t in tiers.EnumerateArray())
        {
            var tierAt = $"{where}.tiers[{list.Count}]";
            if (!t.TryGetProperty("tier", out var tn) || !tn.TryGetInt32(out var tier) || tier is < 0 or > 2)
            {
                return Bad($"{tierAt}.tier", "tier is 0, 1 or 2.");
            }

            var cashOut = t.TryGetProperty("cash_out", out var c) && c.ValueKind == JsonValueKind.True;
            Money.Money? Amount(string name, out Error? error)
            {
                error = null;
                var r = ParseAmount(t, name, currency, tierAt);
                if (r is null)
                {
                    return null;
                }

                if (!r.Value.TryGet(out var m, out var e))
                {
                    error = e;
                    return null;
                }

                return m;
            }

            int? Count(string name) => t.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) && n >= 0 ? n : null;
            var perPayout = Amount("per_payout", out var e1);
            var daily = Amount("daily_amount", out var e2);
            var monthly = Amount("monthly_amount", out var e3);
            if ((e1 ?? e2 ?? e3) is { } amountError)
            {
                return amountError;
            }

            list.Add(new TierLimits(tier, cashOut, perPayout, daily, Count("daily_count"), monthly, Count("monthly_count")));
        }

        if (list.Select(t => t.Tier).Distinct().Count() != list.Count || list.FirstOrDefault(t => t.Tier == 0)?.CashOut == true)
        {
            return Bad($"{where}.tiers", "Each tier appears once, and tier 0 can never cash out.");
        }

        var aml = AmlParameters.Parse(p.TryGetProperty("aml", out var amlSection) ? amlSection : null, ctr, where);
        if (!aml.TryGet(out var amlParameters, out var amlError))
        {
            return amlError;
        }

        return new JurisdictionProfile(id, Str("name") ?? id, set, fallback, currency, tz, TimeSpan.FromHours(cooling), ctr, list, amlParameters);
    }

    private static Result<Money.Money>? ParseAmount(JsonElement e, string name, Currency currency, string at)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            return Bad($"{at}.{name}", "Amounts are decimal strings such as \"1000\".");
        }

        var m = Money.Money.ParsePositive(v.GetString(), currency, $"{at}.{name}");
        return m.IsOk ? m : Bad($"{at}.{name}", m.Error!.Message);
    }

    private static Error Bad(string field, string message) => new("jurisdictions.invalid", message, field);
}
