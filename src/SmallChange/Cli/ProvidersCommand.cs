using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SmallChange.Api.Providers;
using SmallChange.Core.Providers.Trust;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange providers [--config DIR] [--json]</c>: every configured provider with its status, trust score and the
/// reasons that lowered it, its licences and its cash-out outcomes from the database (<c>--db</c>). The same judgement
/// as <c>GET /v1/providers</c> and as quoting. Exit 0; 2 for unusable configuration.
/// </summary>
public static class ProvidersCommand
{
    public static Command Create()
    {
        var cmd = new Command("providers", "List the payout providers with status, trust score, reasons, licences and outcomes");
        var config = new Option<string?>("--config") { Description = "Folder with providers.json, fx-rates.json and jurisdictions.json (default: config next to the executable)" };
        var json = new Option<bool>("--json") { Description = "Print JSON (one array, as the API's items)" };
        cmd.Options.Add(config);
        cmd.Options.Add(json);
        cmd.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(config) is { } d ? Path.GetFullPath(d) : Path.Combine(AppContext.BaseDirectory, "config");
            var setup = PayoutConfig.Load(dir);
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var service = new ProviderTrustService(store, setup.Catalog, TimeProvider.System);
            var now = DateTimeOffset.UtcNow;
            var list = (await service.EvaluateAll(ct)).Select(x => ProviderDto.From(x.Provider, x.Trust, setup.Catalog.Trust, now)).ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(list, ScreenCommand.Json));
                return 0;
            }

            var policy = setup.Catalog.Trust;
            Console.WriteLine($"{list.Count} providers; outcomes of the last {policy.OutcomeWindow.TotalDays:0} days, rates judged from {policy.MinOutcomes} finished cash-outs; suspended below score {policy.SuspendBelowScore}.");
            Console.WriteLine($"{"provider",-22}  {"status",-10}  {"score",5}  {"quoted",-6}  {"paid",5}  {"failed",6}  {"returned",8}  licence");
            foreach (var p in list)
            {
                var licence = p.Licences.Count == 0
                    ? (p.Sandbox ? "sandbox (no licence needed)" : "none")
                    : string.Join("; ", p.Licences.Select(l => $"{l.Jurisdiction} {l.Number} until {l.Expires}{(l.Valid ? "" : " (expired)")}"));
                Console.WriteLine($"{p.Id,-22}  {p.Status,-10}  {p.TrustScore.ToString(CultureInfo.InvariantCulture),5}  {(p.Quotable ? "yes" : "no"),-6}  {p.Outcomes.Paid,5}  {p.Outcomes.Failed,6}  {p.Outcomes.Returned,8}  {licence}");
                foreach (var r in p.TrustReasons)
                {
                    Console.WriteLine($"    {(r.Suspends ? "!" : "-")} {r.Code} (-{r.Points}): {r.Detail}");
                }
            }

            return 0;
        });
        return cmd;
    }
}
