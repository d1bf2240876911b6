using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;

namespace SmallChange.Core.Providers;

using SmallChange.Core.Common;
using SmallChange.Core.Money;

/// <summary>
/// Reads <c>providers.json</c>. Validation stops at the first problem; internally a private exception carries the
/// <see cref="Error"/> out of the nested readers and <see cref="Parse"/> turns it back into a result, so no
/// exception escapes for bad input.
/// </summary>
internal static partial class ProviderCatalogParser
{
    private static readonly string[] ProviderFields = ["id", "name", "rail", "sandbox", "verified", "status", "status_note", "licences", "offerings", "description"];
    private static readonly string[] TrustFields =
    [
        "outcome_window_days", "min_outcomes", "failure_rate_flag_bps", "failure_rate_suspend_bps", "return_rate_flag_bps",
        "return_rate_suspend_bps", "licence_expiry_warning_days", "suspend_below_score", "zero_fee_max_per_payout",
    ];
    private static readonly string[] LicenceFields = ["regulator", "number", "jurisdiction", "expires"];
    private static readonly string[] OfferingFields = ["method", "source_currencies", "payout_currencies", "countries", "fees", "speed", "limits"];
    private static readonly string[] FeeFields = ["flat", "percent_bps", "min", "max", "fx_spread_bps", "activation", "monthly"];
    private static readonly string[] SpeedFields = ["typical", "worst"];
    private static readonly string[] LimitFields = ["daily_count", "monthly_count", "per_currency"];
    private static readonly string[] CurrencyLimitFields = ["min_per_payout", "max_per_payout", "daily_amount", "monthly_amount"];

    public static Result<(IReadOnlyList<Provider> Providers, Trust.TrustPolicy Trust)> Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            return new Error("providers.invalid_json", $"The provider configuration is not valid JSON (line {ex.LineNumber + 1}).");
        }

        using (doc)
        {
            try
            {
                var providers = ReadRoot(doc.RootElement);
                var trust = doc.RootElement.TryGetProperty("trust", out var t) && t.ValueKind != JsonValueKind.Null
                    ? ReadTrust(t)
                    : Trust.TrustPolicy.Default;
                return Result<(IReadOnlyList<Provider>, Trust.TrustPolicy)>.Ok((providers, trust));
            }
            catch (ConfigException ex)
            {
                return ex.Error;
            }
        }
    }

    private static List<Provider> ReadRoot(JsonElement root)
    {
        var ctx = new Ctx("(root)");
        ctx.Expect(root, JsonValueKind.Object, string.Empty);
        ctx.KnownFields(root, string.Empty, ["providers", "trust"]);
        var array = ctx.Required(root, "providers", string.Empty);
        ctx.Expect(array, JsonValueKind.Array, "providers");
        var providers = new List<Provider>();
        var index = 0;
        foreach (var el in array.EnumerateArray())
        {
            var provider = ReadProvider(el, $"providers[{index}]");
            if (providers.Any(p => p.Id == provider.Id))
            {
                throw new Ctx(provider.Id).Fail("providers.duplicate", $"providers[{index}].id", "the id is used by another provider");
            }

            providers.Add(provider);
            index++;
        }

        return providers;
    }

    private static Provider ReadProvider(JsonElement el, string path)
    {
        var anon = new Ctx(path);
        anon.Expect(el, JsonValueKind.Object, path);
        var id = anon.String(el, "id", path);
        var ctx = new Ctx(id);
        if (!Slug().IsMatch(id))
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.id", "an id is a lower-case slug such as 'sandbox-bank'");
        }

        ctx.KnownFields(el, path, ProviderFields);
        var name = ctx.String(el, "name", path);
        var rail = ctx.String(el, "rail", path);
        if (!Slug().IsMatch(rail))
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.rail", "a rail is a lower-case slug such as 'sandbox'");
        }

        var sandbox = ctx.Bool(el, "sandbox", path);
        var verified = ctx.Bool(el, "verified", path);
        var status = verified ? ProviderStatus.Active : ProviderStatus.Unverified;
        if (el.TryGetProperty("status", out var statusEl) && statusEl.ValueKind != JsonValueKind.Null)
        {
            var text = ctx.String(el, "status", path);
            status = ProviderStatuses.FromWireName(text)
                ?? throw ctx.Fail("providers.invalid_value", $"{path}.status", $"'{text}' is not a status (active, suspended or unverified)");
            if (!verified && status == ProviderStatus.Active)
            {
                throw ctx.Fail("providers.invalid_value", $"{path}.status", "an unverified provider (verified: false) cannot be active");
            }
        }

        string? statusNote = null;
        if (el.TryGetProperty("status_note", out var noteEl) && noteEl.ValueKind != JsonValueKind.Null)
        {
            statusNote = ctx.String(el, "status_note", path);
        }

        var licences = new List<Licence>();
        var licencesEl = ctx.Required(el, "licences", path);
        ctx.Expect(licencesEl, JsonValueKind.Array, $"{path}.licences");
        var i = 0;
        foreach (var l in licencesEl.EnumerateArray())
        {
            licences.Add(ReadLicence(ctx, l, $"{path}.licences[{i++}]"));
        }

        var offerings = new List<Offering>();
        var offeringsEl = ctx.Required(el, "offerings", path);
        ctx.Expect(offeringsEl, JsonValueKind.Array, $"{path}.offerings");
        i = 0;
        foreach (var o in offeringsEl.EnumerateArray())
        {
            var opath = $"{path}.offerings[{i++}]";
            var offering = ReadOffering(ctx, o, opath);
            if (offerings.Any(x => x.Method == offering.Method))
            {
                throw ctx.Fail("providers.duplicate", $"{opath}.method", $"'{offering.Method.ToWireName()}' is offered twice");
            }

            offerings.Add(offering);
        }

        if (offerings.Count == 0)
        {
            throw ctx.Fail("providers.missing_field", $"{path}.offerings", "a provider needs at least one offering");
        }

        return new Provider(id, name, rail, sandbox, verified, licences, offerings) { Status = status, StatusNote = statusNote };
    }

    /// <summary>The root's <c>"trust"</c> section: every field optional, each falling back to <see cref="Trust.TrustPolicy.Default"/>.</summary>
    private static Trust.TrustPolicy ReadTrust(JsonElement el)
    {
        const string path = "trust";
        var ctx = new Ctx("(trust policy)");
        ctx.Expect(el, JsonValueKind.Object, path);
        ctx.KnownFields(el, path, TrustFields);
        var d = Trust.TrustPolicy.Default;

        int Int(string name, int fallback, int min, int max, string unit)
        {
            var v = ctx.OptionalInt(el, name, path) ?? fallback;
            return v < min || v > max ? throw ctx.Fail("providers.invalid_value", $"{path}.{name}", $"{unit} from {min} to {max}") : v;
        }

        var policy = d with
        {
            OutcomeWindow = TimeSpan.FromDays(Int("outcome_window_days", (int)d.OutcomeWindow.TotalDays, 1, 366, "a number of days")),
            MinOutcomes = Int("min_outcomes", d.MinOutcomes, 1, 1_000_000, "a count"),
            FailureRateFlagBps = Int("failure_rate_flag_bps", d.FailureRateFlagBps, 0, 10_000, "basis points"),
            FailureRateSuspendBps = Int("failure_rate_suspend_bps", d.FailureRateSuspendBps, 0, 10_000, "basis points"),
            ReturnRateFlagBps = Int("return_rate_flag_bps", d.ReturnRateFlagBps, 0, 10_000, "basis points"),
            ReturnRateSuspendBps = Int("return_rate_suspend_bps", d.ReturnRateSuspendBps, 0, 10_000, "basis points"),
            LicenceExpiryWarning = TimeSpan.FromDays(Int("licence_expiry_warning_days", (int)d.LicenceExpiryWarning.TotalDays, 0, 366, "a number of days")),
            SuspendBelowScore = Int("suspend_below_score", d.SuspendBelowScore, 0, 100, "a score"),
        };
        if (policy.FailureRateFlagBps > policy.FailureRateSuspendBps)
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.failure_rate_flag_bps", "the flag line must not be above the suspension line");
        }

        if (policy.ReturnRateFlagBps > policy.ReturnRateSuspendBps)
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.return_rate_flag_bps", "the flag line must not be above the suspension line");
        }

        if (el.TryGetProperty("zero_fee_max_per_payout", out var zero) && zero.ValueKind != JsonValueKind.Null)
        {
            var zpath = $"{path}.zero_fee_max_per_payout";
            ctx.Expect(zero, JsonValueKind.Object, zpath);
            var thresholds = new Dictionary<Currency, Money>();
            foreach (var p in zero.EnumerateObject())
            {
                var currency = ctx.Currency(p.Name, $"{zpath}.{p.Name}");
                thresholds[currency] = ctx.Amount(p.Value, currency, $"{zpath}.{p.Name}");
            }

            policy = policy with { RedFlags = new RedFlagPolicy(thresholds) };
        }

        return policy;
    }

    private static Licence ReadLicence(Ctx ctx, JsonElement el, string path)
    {
        ctx.Expect(el, JsonValueKind.Object, path);
        ctx.KnownFields(el, path, LicenceFields);
        var regulator = ctx.String(el, "regulator", path);
        var number = ctx.String(el, "number", path);
        var jurisdiction = ctx.String(el, "jurisdiction", path);
        var expiresText = ctx.String(el, "expires", path);
        if (!DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.expires", $"'{expiresText}' is not a date such as 2028-06-30");
        }

        return new Licence(regulator, number, jurisdiction, expires);
    }

    private static Offering ReadOffering(Ctx ctx, JsonElement el, string path)
    {
        ctx.Expect(el, JsonValueKind.Object, path);
        ctx.KnownFields(el, path, OfferingFields);
        var methodText = ctx.String(el, "method", path);
        var method = PayoutMethods.FromWireName(methodText)
            ?? throw ctx.Fail("providers.unknown_method", $"{path}.method", $"'{methodText}' is not one of bank_transfer, digital_wallet, prepaid_card, crypto");

        var sources = ReadCurrencyList(ctx, el, "source_currencies", path);
        var payouts = ReadCurrencyList(ctx, el, "payout_currencies", path);

        var countriesEl = ctx.Required(el, "countries", path);
        ctx.Expect(countriesEl, JsonValueKind.Array, $"{path}.countries");
        var countries = new List<string>();
        var all = false;
        var i = 0;
        foreach (var c in countriesEl.EnumerateArray())
        {
            var cpath = $"{path}.countries[{i++}]";
            ctx.Expect(c, JsonValueKind.String, cpath);
            var code = c.GetString()!;
            if (code == "*")
            {
                all = true;
            }
            else if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper))
            {
                throw ctx.Fail("providers.invalid_value", cpath, $"'{code}' is not an ISO 3166-1 alpha-2 code (upper case) or \"*\"");
            }
            else if (countries.Contains(code))
            {
                throw ctx.Fail("providers.duplicate", cpath, $"country {code} is listed twice");
            }
            else
            {
                countries.Add(code);
            }
        }

        if (all && countries.Count > 0)
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.countries", "\"*\" (every country) cannot be combined with a list");
        }

        if (!all && countries.Count == 0)
        {
            throw ctx.Fail("providers.missing_field", $"{path}.countries", "list at least one destination country, or \"*\"");
        }

        var fees = ReadFees(ctx, ctx.Required(el, "fees", path), $"{path}.fees", method, sources);
        var speed = ReadSpeed(ctx, ctx.Required(el, "speed", path), $"{path}.speed");
        var limits = ReadLimits(ctx, ctx.Required(el, "limits", path), $"{path}.limits", sources);
        return new Offering(method, sources, payouts, countries, all, fees, speed, limits);
    }

    private static List<Currency> ReadCurrencyList(Ctx ctx, JsonElement el, string name, string path)
    {
        var listEl = ctx.Required(el, name, path);
        var lpath = $"{path}.{name}";
        ctx.Expect(listEl, JsonValueKind.Array, lpath);
        var list = new List<Currency>();
        var i = 0;
        foreach (var c in listEl.EnumerateArray())
        {
            var cpath = $"{lpath}[{i++}]";
            ctx.Expect(c, JsonValueKind.String, cpath);
            var currency = ctx.Currency(c.GetString(), cpath);
            if (list.Contains(currency))
            {
                throw ctx.Fail("providers.duplicate", cpath, $"{currency.Code} is listed twice");
            }

            list.Add(currency);
        }

        if (list.Count == 0)
        {
            throw ctx.Fail("providers.missing_field", lpath, "list at least one currency");
        }

        return list;
    }

    private static FeeSchedule ReadFees(Ctx ctx, JsonElement el, string path, PayoutMethod method, List<Currency> sources)
    {
        ctx.Expect(el, JsonValueKind.Object, path);
        ctx.KnownFields(el, path, FeeFields);
        var flat = ReadFeeMap(ctx, el, "flat", path, sources);
        var percent = ctx.OptionalInt(el, "percent_bps", path) ?? 0;
        if (percent is < 0 or >= FxBps)
        {
            throw ctx.Fail(percent < 0 ? "providers.negative_fee" : "providers.invalid_value", $"{path}.percent_bps", $"must be between 0 and 9 999 basis points (got {percent})");
        }

        var min = ReadFeeMap(ctx, el, "min", path, sources);
        var max = ReadFeeMap(ctx, el, "max", path, sources);
        foreach (var (currency, lo) in min)
        {
            if (max.TryGetValue(currency, out var hi) && lo > hi)
            {
                throw ctx.Fail("providers.min_above_max", $"{path}.min.{currency.Code}", $"the minimum fee {lo.ToDecimalString()} is above the maximum fee {hi.ToDecimalString()}");
            }
        }

        // A negative spread parses (so that it can be reported as a red flag) but must stay a sensible number.
        var spread = ctx.OptionalInt(el, "fx_spread_bps", path) ?? 0;
        if (spread is <= -FxBps or >= FxBps)
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.fx_spread_bps", $"must be between -9 999 and 9 999 basis points (got {spread})");
        }

        var activation = ReadFeeMap(ctx, el, "activation", path, sources);
        var monthly = ReadFeeMap(ctx, el, "monthly", path, sources);
        if (method != PayoutMethod.PrepaidCard && (activation.Count > 0 || monthly.Count > 0))
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.{(activation.Count > 0 ? "activation" : "monthly")}", "activation and monthly fees apply only to prepaid_card offerings");
        }

        return new FeeSchedule(flat, percent, min, max, spread, activation, monthly);
    }

    private const int FxBps = 10_000;

    private static readonly TimeSpan MaxArrival = TimeSpan.FromDays(90);

    /// <summary>A map currency → decimal string; when present it must cover every source currency and no other.</summary>
    private static Dictionary<Currency, Money> ReadFeeMap(Ctx ctx, JsonElement el, string name, string path, List<Currency> sources)
    {
        var map = new Dictionary<Currency, Money>();
        if (!el.TryGetProperty(name, out var mapEl))
        {
            return map;
        }

        var mpath = $"{path}.{name}";
        ctx.Expect(mapEl, JsonValueKind.Object, mpath);
        foreach (var p in mapEl.EnumerateObject())
        {
            var fpath = $"{mpath}.{p.Name}";
            var currency = ctx.Currency(p.Name, fpath);
            if (!sources.Contains(currency))
            {
                throw ctx.Fail("providers.invalid_value", fpath, $"{currency.Code} is not one of the offering's source_currencies");
            }

            var amount = ctx.Amount(p.Value, currency, fpath);
            if (amount.Units < 0)
            {
                throw ctx.Fail("providers.negative_fee", fpath, $"a fee must not be negative (got {amount.ToDecimalString()})");
            }

            map[currency] = amount;
        }

        if (map.Count > 0)
        {
            var missing = sources.FirstOrDefault(c => !map.ContainsKey(c));
            if (missing is not null)
            {
                throw ctx.Fail("providers.missing_field", $"{mpath}.{missing.Code}", $"give the {name} fee for every source currency ({missing.Code} is missing)");
            }
        }

        return map;
    }

    private static Speed ReadSpeed(Ctx ctx, JsonElement el, string path)
    {
        ctx.Expect(el, JsonValueKind.Object, path);
        ctx.KnownFields(el, path, SpeedFields);
        var typical = ReadDuration(ctx, ctx.Required(el, "typical", path), $"{path}.typical");
        var worst = ReadDuration(ctx, ctx.Required(el, "worst", path), $"{path}.worst");
        if (typical > worst)
        {
            throw ctx.Fail("providers.min_above_max", $"{path}.typical", "the typical arrival is later than the worst arrival");
        }

        return new Speed(typical, worst);
    }

    /// <summary>An ISO-8601 duration string (<c>PT2H</c>, <c>P2D</c>) or a whole number of minutes.</summary>
    private static TimeSpan ReadDuration(Ctx ctx, JsonElement el, string path)
    {
        TimeSpan value;
        if (el.ValueKind == JsonValueKind.Number && el.TryGetInt32(out var minutes))
        {
            value = TimeSpan.FromMinutes(minutes);
        }
        else if (el.ValueKind == JsonValueKind.String)
        {
            try
            {
                value = XmlConvert.ToTimeSpan(el.GetString()!);
            }
            catch (FormatException)
            {
                throw ctx.Fail("providers.invalid_value", path, $"'{el.GetString()}' is not an ISO-8601 duration such as PT2H or P2D");
            }
            catch (OverflowException)
            {
                throw ctx.Fail("providers.invalid_value", path, $"'{el.GetString()}' is too long a duration");
            }
        }
        else
        {
            throw ctx.Fail("providers.invalid_value", path, "a duration is an ISO-8601 string (PT2H, P2D) or whole minutes");
        }

        if (value < TimeSpan.Zero || value > MaxArrival)
        {
            throw ctx.Fail("providers.invalid_value", path, "an arrival time is between zero and 90 days");
        }

        return value;
    }

    private static Limits ReadLimits(Ctx ctx, JsonElement el, string path, List<Currency> sources)
    {
        ctx.Expect(el, JsonValueKind.Object, path);
        ctx.KnownFields(el, path, LimitFields);
        var daily = ctx.OptionalInt(el, "daily_count", path);
        var monthly = ctx.OptionalInt(el, "monthly_count", path);
        if (daily is <= 0 || monthly is <= 0)
        {
            throw ctx.Fail("providers.invalid_value", $"{path}.{(daily is <= 0 ? "daily_count" : "monthly_count")}", "a count limit must be positive");
        }

        if (daily > monthly)
        {
            throw ctx.Fail("providers.min_above_max", $"{path}.daily_count", "the daily count limit is above the monthly one");
        }

        var perEl = ctx.Required(el, "per_currency", path);
        var ppath = $"{path}.per_currency";
        ctx.Expect(perEl, JsonValueKind.Object, ppath);
        var per = new Dictionary<Currency, CurrencyLimits>();
        foreach (var p in perEl.EnumerateObject())
        {
            var cpath = $"{ppath}.{p.Name}";
            var currency = ctx.Currency(p.Name, cpath);
            if (!sources.Contains(currency))
            {
                throw ctx.Fail("providers.invalid_value", cpath, $"{currency.Code} is not one of the offering's source_currencies");
            }

            ctx.Expect(p.Value, JsonValueKind.Object, cpath);
            ctx.KnownFields(p.Value, cpath, CurrencyLimitFields);
            var min = ctx.Amount(ctx.Required(p.Value, "min_per_payout", cpath), currency, $"{cpath}.min_per_payout");
            var max = ctx.Amount(ctx.Required(p.Value, "max_per_payout", cpath), currency, $"{cpath}.max_per_payout");
            Money? dailyAmount = p.Value.TryGetProperty("daily_amount", out var d) ? ctx.Amount(d, currency, $"{cpath}.daily_amount") : null;
            Money? monthlyAmount = p.Value.TryGetProperty("monthly_amount", out var m) ? ctx.Amount(m, currency, $"{cpath}.monthly_amount") : null;
            if (!min.IsPositive)
            {
                throw ctx.Fail("providers.invalid_value", $"{cpath}.min_per_payout", "the minimum per payout must be greater than zero");
            }

            if (min > max)
            {
                throw ctx.Fail("providers.min_above_max", $"{cpath}.min_per_payout", $"the minimum per payout {min.ToDecimalString()} is above the maximum {max.ToDecimalString()}");
            }

            if (dailyAmount is { } da && da < max)
            {
                throw ctx.Fail("providers.min_above_max", $"{cpath}.daily_amount", "the daily amount limit is below the maximum per payout");
            }

            if (dailyAmount is { } da2 && monthlyAmount is { } ma && da2 > ma)
            {
                throw ctx.Fail("providers.min_above_max", $"{cpath}.daily_amount", "the daily amount limit is above the monthly one");
            }

            if (monthlyAmount is { } ma2 && ma2 < max)
            {
                throw ctx.Fail("providers.min_above_max", $"{cpath}.monthly_amount", "the monthly amount limit is below the maximum per payout");
            }

            per[currency] = new CurrencyLimits(min, max, dailyAmount, monthlyAmount);
        }

        var missing = sources.FirstOrDefault(c => !per.ContainsKey(c));
        if (missing is not null)
        {
            throw ctx.Fail("providers.missing_field", $"{ppath}.{missing.Code}", $"give limits for every source currency ({missing.Code} is missing)");
        }

        return new Limits(daily, monthly, per);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();

    /// <summary>Reading helpers that know which provider they are reading, for the error messages.</summary>
    private sealed class Ctx(string provider)
    {
        public ConfigException Fail(string code, string field, string problem) =>
            new(new Error(code, $"Provider '{provider}': {field}: {problem}.", field));

        public void Expect(JsonElement el, JsonValueKind kind, string path)
        {
            if (el.ValueKind != kind)
            {
                throw Fail("providers.invalid_value", path.Length == 0 ? "(root)" : path, $"expected {Describe(kind)}, found {Describe(el.ValueKind)}");
            }
        }

        public void KnownFields(JsonElement obj, string path, string[] known)
        {
            foreach (var p in obj.EnumerateObject())
            {
                if (!known.Contains(p.Name) && !p.Name.StartsWith('_') && p.Name != "$comment")
                {
                    throw Fail("providers.unknown_field", Join(path, p.Name), $"unknown field '{p.Name}' (expected one of {string.Join(", ", known)})");
                }
            }
        }

        public JsonElement Required(JsonElement obj, string name, string path) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
                ? v
                : throw Fail("providers.missing_field", Join(path, name), "this field is required");

        public string String(JsonElement obj, string name, string path)
        {
            var v = Required(obj, name, path);
            Expect(v, JsonValueKind.String, Join(path, name));
            var s = v.GetString()!;
            return string.IsNullOrWhiteSpace(s) ? throw Fail("providers.missing_field", Join(path, name), "must not be blank") : s;
        }

        public bool Bool(JsonElement obj, string name, string path)
        {
            var v = Required(obj, name, path);
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail("providers.invalid_value", Join(path, name), "expected true or false"),
            };
        }

        public int? OptionalInt(JsonElement obj, string name, string path)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
                ? i
                : throw Fail("providers.invalid_value", Join(path, name), "expected a whole number");
        }

        public Currency Currency(string? code, string path) =>
            Currencies.Find(code) ?? throw Fail("providers.unknown_currency", path, $"unknown currency '{code}' (configured: {string.Join(", ", Currencies.All.Select(c => c.Code).Order(StringComparer.Ordinal))})");

        public Money Amount(JsonElement el, Currency currency, string path)
        {
            if (el.ValueKind != JsonValueKind.String)
            {
                throw Fail("providers.invalid_value", path, $"an amount is a decimal string such as \"0.25\" (not a JSON number)");
            }

            var parsed = Money.Parse(el.GetString(), currency, path);
            return parsed.TryGet(out var m, out var error)
                ? m
                : throw Fail("providers.invalid_value", path, error.Message.TrimEnd('.'));
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true or false",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }

    private sealed class ConfigException(Error error) : Exception(error.Message)
    {
        public Error Error { get; } = error;
    }
}
