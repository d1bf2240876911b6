using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange aml backtest --from DATE --to DATE [--rule ID] [--json]</c>: replays the stored credits and cash-outs of
/// the period through the rules as configured now (<see cref="AmlBacktest"/>) and prints how many alerts each rule would
/// raise. Reads only. DATE is <c>YYYY-MM-DD</c> (midnight UTC) or an ISO 8601 instant; <c>--to</c> is exclusive.
/// </summary>
public static class AmlCommand
{
    public static Command Create()
    {
        var aml = new Command("aml", "Transaction monitoring");
        aml.Subcommands.Add(Backtest());
        return aml;
    }

    private sealed record RuleOutput(string RuleId, int RuleVersion, long Evaluated, long Alerts, long Holds, long Rejects, long Holders);

    private sealed record BacktestOutput(string From, string To, string? Rule, long CreditsEvaluated, long CashoutsEvaluated, long CashoutsHeld, long CashoutsRejected,
        long Alerts, IReadOnlyList<RuleOutput> Rules);

    private static Command Backtest()
    {
        var from = new Option<string>("--from") { Description = "Start (inclusive): YYYY-MM-DD or an ISO 8601 instant", Required = true };
        var to = new Option<string>("--to") { Description = "End (exclusive): YYYY-MM-DD or an ISO 8601 instant", Required = true };
        var rule = new Option<string?>("--rule") { Description = "Only this rule, e.g. aml.structuring" };
        var config = new Option<string?>("--config") { Description = "Folder with jurisdictions.json and fx-rates.json (default: config next to the executable)" };
        var json = CasesCommand.JsonOption();
        var cmd = new Command("backtest", "Replay stored history through the rules and count the alerts each would raise") { from, to, rule, config, json };
        cmd.SetAction(async (parse, ct) =>
        {
            if (Instant(parse.GetValue(from)) is not { } f || Instant(parse.GetValue(to)) is not { } t || t <= f)
            {
                return CasesCommand.Fail("--from and --to are YYYY-MM-DD or ISO 8601 instants, --to after --from.");
            }

            var setup = PayoutConfig.Load(parse.GetValue(config) is { } dir ? Path.GetFullPath(dir) : Path.Combine(AppContext.BaseDirectory, "config"));
            var ruleId = parse.GetValue(rule);
            var known = setup.Profiles.All.SelectMany(p => AmlRuleSet.For(p).Rules).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            if (ruleId is not null && !known.Contains(ruleId))
            {
                return CasesCommand.Fail($"--rule: unknown or disabled rule; the rules are {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }

            await using var store = await CasesCommand.Open(parse, ct);
            var lookback = AmlBacktest.Lookback(setup.Profiles);
            var set = await store.ReadAsync(r => r.AmlReplaySet(f - lookback, t), ct);
            var report = AmlBacktest.Run(setup.Profiles, setup.Rates, set, f, t, ruleId);
            var rules = report.Rules.Select(r => new RuleOutput(r.RuleId, r.RuleVersion, r.Evaluated, r.Alerts, r.Holds, r.Rejects, r.Holders)).ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new BacktestOutput(Iso(f), Iso(t), ruleId, report.CreditsEvaluated, report.CashoutsEvaluated,
                    report.CashoutsHeld, report.CashoutsRejected, rules.Sum(r => r.Alerts), rules), ScreenCommand.Json));
                return 0;
            }

            Console.WriteLine($"Back-test {Iso(f)} to {Iso(t)}: {report.CreditsEvaluated:N0} credits and {report.CashoutsEvaluated:N0} cash-outs replayed; " +
                              $"{report.CashoutsHeld:N0} cash-outs would be held, {report.CashoutsRejected:N0} rejected.");
            Console.WriteLine($"{"rule",-26}  {"ver",3}  {"evaluated",10}  {"alerts",8}  {"holds",8}  {"rejects",8}  {"holders",8}");
            foreach (var r in rules)
            {
                Console.WriteLine($"{r.RuleId,-26}  {r.RuleVersion,3}  {r.Evaluated,10:N0}  {r.Alerts,8:N0}  {r.Holds,8:N0}  {r.Rejects,8:N0}  {r.Holders,8:N0}");
            }

            return 0;
        });
        return cmd;
    }

    private static DateTimeOffset? Instant(string? text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUniversalTime() : null;
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
