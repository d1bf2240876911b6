using System.CommandLine;
using System.Text.Json;
using SmallChange.Api.Compliance;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange cases list|show|assign|note|decide</c>: a compliance officer's work on cases from the command line, with
/// the same effects and audit trail as the API. The actor is <c>--actor</c> (default <c>cli:</c> and the login name).
/// Exit 0 on success, 1 when the store refuses (no such case, decided already), 2 for bad input.
/// </summary>
public static class CasesCommand
{
    public static Command Create()
    {
        var cases = new Command("cases", "Compliance cases: list, show, assign, note, decide");
        cases.Subcommands.Add(List());
        cases.Subcommands.Add(Show());
        cases.Subcommands.Add(Assign());
        cases.Subcommands.Add(Note());
        cases.Subcommands.Add(Decide());
        return cases;
    }

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print JSON (the API's shapes)" };

    private static Option<string> ActorOption() => new("--actor")
    {
        Description = "Who acts, as recorded in the case's audit trail",
        DefaultValueFactory = _ => "cli:" + Environment.UserName,
    };

    private static Argument<Guid> CaseArgument() => new("CASE_ID") { Description = "The case id" };

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "open or closed" };
        var holder = new Option<Guid?>("--holder") { Description = "Only this holder's cases" };
        var assignee = new Option<string?>("--assignee") { Description = "Only cases assigned to this officer" };
        var limit = new Option<int>("--limit") { Description = "At most this many (newest first)", DefaultValueFactory = _ => 50 };
        var json = JsonOption();
        var cmd = new Command("list", "List cases, newest first") { status, holder, assignee, limit, json };
        cmd.SetAction(async (parse, ct) =>
        {
            CaseStatus? s = null;
            if (parse.GetValue(status) is { } st && (s = CaseWire.StatusFromWire(st)) is null)
            {
                return Fail("--status is open or closed.");
            }

            await using var store = await Open(parse, ct);
            var filter = new CaseFilter(parse.GetValue(holder) is { } h ? new HolderId(h) : null, s, parse.GetValue(assignee));
            var page = await store.ReadAsync(r => r.ListCases(filter, null, Math.Clamp(parse.GetValue(limit), 1, 500)), ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(page.Items.Select(CaseResponse.From), ScreenCommand.Json));
                return 0;
            }

            Console.WriteLine($"{"case",-36}  {"status",-6}  {"alerts",6}  {"assignee",-16}  {"decision",-11}  created");
            foreach (var c in page.Items)
            {
                Console.WriteLine($"{c.Id,-36}  {c.Status.ToWire(),-6}  {c.AlertCount,6}  {c.Assignee ?? "-",-16}  {c.Decision?.ToWire() ?? "-",-11}  {Wire.Time(c.CreatedAt)}");
            }

            Console.WriteLine($"{page.Items.Count} case(s)" + (page.NextCursor is null ? "" : " (more: raise --limit)"));
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var id = CaseArgument();
        var json = JsonOption();
        var cmd = new Command("show", "Show a case: its alerts with the figures each rule saw, and its audit trail") { id, json };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = await Open(parse, ct);
            var caseId = new CaseId(parse.GetValue(id));
            var data = await store.ReadAsync(async r =>
            {
                var c = await r.GetCase(caseId);
                return c is null ? default : (c, await CaseService.AllAlerts(r, caseId), await r.ListCaseEvents(caseId));
            }, ct);
            if (data.c is not { } found)
            {
                Console.Error.WriteLine("cases: no such case");
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new CaseDetailResponse(CaseResponse.From(found), data.Item2.Select(AlertResponse.From).ToList(),
                    data.Item3.Select(CaseEventDto.From).ToList()), ScreenCommand.Json));
                return 0;
            }

            Console.WriteLine($"Case {found.Id} ({found.Id.Reference})");
            Console.WriteLine($"  holder {found.Holder}, {found.Status.ToWire()}, {found.AlertCount} alert(s), assignee {found.Assignee ?? "-"}");
            if (found.Decision is { } d)
            {
                Console.WriteLine($"  decided {d.ToWire()} by {found.DecidedBy} at {Wire.Time(found.DecidedAt!.Value)}: {found.DecisionReason}");
            }

            Console.WriteLine("Alerts:");
            foreach (var a in data.Item2)
            {
                Console.WriteLine($"  {Wire.Time(a.CreatedAt)}  {a.RuleId}@{a.RuleVersion} {Core.Compliance.Aml.AmlOutcomes.ToWire(a.Outcome)} on {a.Subject}");
                Console.WriteLine($"    {a.Explanation}");
                Console.WriteLine($"    {string.Join(", ", a.Figures.Select(f => $"{f.Name}={f.Value}"))}");
            }

            Console.WriteLine("Audit trail:");
            foreach (var e in data.Item3)
            {
                Console.WriteLine($"  #{e.Sequence,-3} {Wire.Time(e.At)}  {e.Action.ToWire(),-17} {e.Actor}{(e.Detail is null ? "" : ": " + e.Detail)}");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Assign()
    {
        var id = CaseArgument();
        var assignee = new Argument<string>("ASSIGNEE") { Description = "The officer to assign (\"-\" to unassign)" };
        var actor = ActorOption();
        var cmd = new Command("assign", "Assign an open case to an officer") { id, assignee, actor };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = await Open(parse, ct);
            var who = parse.GetValue(assignee);
            var r = await Service(store).Assign(new CaseId(parse.GetValue(id)), who == "-" ? null : who, parse.GetValue(actor)!, ct);
            return Report(r, c => $"case {c.Id} assigned to {c.Assignee ?? "nobody"}");
        });
        return cmd;
    }

    private static Command Note()
    {
        var id = CaseArgument();
        var text = new Argument<string>("TEXT") { Description = "The note" };
        var actor = ActorOption();
        var cmd = new Command("note", "Add a note to a case's record") { id, text, actor };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = await Open(parse, ct);
            var r = await Service(store).Note(new CaseId(parse.GetValue(id)), parse.GetValue(text), parse.GetValue(actor)!, ct);
            return Report(r, e => $"note #{e.Sequence} added to case {e.Case}");
        });
        return cmd;
    }

    private static Command Decide()
    {
        var id = CaseArgument();
        var decision = new Argument<string>("DECISION") { Description = "release, reject or file_report" };
        var reason = new Option<string>("--reason") { Description = "Why (for file_report: the report's narrative)", Required = true };
        var actor = ActorOption();
        var cmd = new Command("decide", "Decide an open case: release its held cash-outs, reject them, or file a suspicious activity report") { id, decision, reason, actor };
        cmd.SetAction(async (parse, ct) =>
        {
            if (CaseWire.DecisionFromWire(parse.GetValue(decision)) is not { } d)
            {
                return Fail("DECISION is release, reject or file_report.");
            }

            await using var store = await Open(parse, ct);
            var r = await Service(store).Decide(new CaseId(parse.GetValue(id)), d, parse.GetValue(reason), parse.GetValue(actor)!, ct);
            return Report(r, x => x.PendingApproval is { } pending
                ? $"case {x.Case.Id}: release requested, waiting for a second staff member to approve it (four-eyes, approval {pending.Id}: {pending.Summary}); the case stays open"
                : $"case {x.Case.Id} decided {d.ToWire()}: {x.Released.Count} cash-out(s) released, {x.Rejected.Count} rejected" +
                  (x.Report is null ? "" : $", report {x.Report.Reference} filed"));
        });
        return cmd;
    }

    internal static async Task<IStore> Open(ParseResult parse, CancellationToken ct)
    {
        var store = CliRoot.OpenStore(parse);
        await store.MigrateAsync(ct);
        return store;
    }

    private static CaseService Service(IStore store)
    {
        var configDir = Path.Combine(AppContext.BaseDirectory, "config");
        var setup = PayoutConfig.Load(configDir);
        var (_, reports) = ComplianceSetup.ForTool(setup, configDir);
        return new CaseService(store, new LedgerEngine(TimeProvider.System), reports, TimeProvider.System, StaffConsole.FourEyesConfig.Load(configDir));
    }

    private static int Report<T>(Result<T> r, Func<T, string> ok)
    {
        if (!r.TryGet(out var value, out var error))
        {
            Console.Error.WriteLine($"cases: {error.Code}: {error.Message}");
            return error.Code is "case.not_found" or "case.conflict" ? 1 : 2;
        }

        Console.WriteLine(ok(value));
        return 0;
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine("smallchange: " + message);
        return 2;
    }
}
