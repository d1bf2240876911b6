using System.CommandLine;
using System.Text.Json;
using SmallChange.Api.Compliance;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Ports;
using SmallChange.Http;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange reports list|show</c>: the generated currency transaction and suspicious activity reports, and their
/// documents (<c>show ID --format csv|fincen-bsa-xml [--out FILE]</c>). The documents contain personal data.
/// </summary>
public static class ReportsCommand
{
    public static Command Create()
    {
        var reports = new Command("reports", "Regulatory reports (CTR, SAR): list, show, write a document");
        reports.Subcommands.Add(List());
        reports.Subcommands.Add(Show());
        return reports;
    }

    private static Command List()
    {
        var kind = new Option<string?>("--kind") { Description = "ctr or sar" };
        var status = new Option<string?>("--status") { Description = "ready or filed" };
        var holder = new Option<Guid?>("--holder") { Description = "Only this holder's reports" };
        var limit = new Option<int>("--limit") { Description = "At most this many (newest first)", DefaultValueFactory = _ => 50 };
        var json = CasesCommand.JsonOption();
        var cmd = new Command("list", "List reports, newest first") { kind, status, holder, limit, json };
        cmd.SetAction(async (parse, ct) =>
        {
            ReportKind? k = null;
            if (parse.GetValue(kind) is { } kt && (k = ReportWire.KindFromWire(kt)) is null)
            {
                return CasesCommand.Fail("--kind is ctr or sar.");
            }

            ReportStatus? s = null;
            if (parse.GetValue(status) is { } st && (s = ReportWire.StatusFromWire(st)) is null)
            {
                return CasesCommand.Fail("--status is ready or filed.");
            }

            await using var store = await CasesCommand.Open(parse, ct);
            var filter = new ReportFilter(k, parse.GetValue(holder) is { } h ? new HolderId(h) : null, s);
            var page = await store.ReadAsync(r => r.ListReports(filter, null, Math.Clamp(parse.GetValue(limit), 1, 500)), ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(page.Items.Select(ReportResponse.From), ScreenCommand.Json));
                return 0;
            }

            Console.WriteLine($"{"id",-36}  {"kind",-4}  {"status",-6}  {"rev",3}  {"period",-23}  {"amount",22}  {"tx",4}  reference");
            foreach (var r in page.Items)
            {
                Console.WriteLine($"{r.Id,-36}  {r.Kind.ToWire(),-4}  {r.Status.ToWire(),-6}  {r.Revision,3}  {r.PeriodFrom:yyyy-MM-dd}..{r.PeriodTo:yyyy-MM-dd}  {r.Amount,22}  {r.TransactionCount,4}  {r.Reference}");
            }

            Console.WriteLine($"{page.Items.Count} report(s)" + (page.NextCursor is null ? "" : " (more: raise --limit)"));
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var id = new Argument<Guid>("REPORT_ID") { Description = "The report id" };
        var format = new Option<string?>("--format") { Description = "Write the document in this format instead: csv or fincen-bsa-xml" };
        var output = new Option<string?>("--out") { Description = "With --format: write to this file instead of standard output" };
        var json = CasesCommand.JsonOption();
        var cmd = new Command("show", "Show a report, or write one of its documents") { id, format, output, json };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = await CasesCommand.Open(parse, ct);
            var reportId = new ReportId(parse.GetValue(id));
            var report = await store.ReadAsync(r => r.GetReport(reportId), ct);
            if (report is null)
            {
                Console.Error.WriteLine("reports: no such report");
                return 1;
            }

            if (parse.GetValue(format) is { } f)
            {
                var file = await store.ReadAsync(r => r.GetReportFile(reportId, f), ct);
                if (file is null)
                {
                    Console.Error.WriteLine($"reports: no document in format '{f}'; this report has: {string.Join(", ", report.Formats)}");
                    return 1;
                }

                if (parse.GetValue(output) is { } path)
                {
                    await File.WriteAllBytesAsync(path, file.Content, ct);
                    Console.WriteLine($"wrote {file.Content.Length} bytes to {path}");
                }
                else
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await stdout.WriteAsync(file.Content, ct);
                }

                return 0;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(ReportResponse.From(report), ScreenCommand.Json));
                return 0;
            }

            Console.WriteLine($"{report.Kind.ToWire().ToUpperInvariant()} {report.Reference} ({report.Status.ToWire()}, revision {report.Revision})");
            Console.WriteLine($"  holder {report.Holder}, profile {report.ProfileId}" + (report.Case is { } c ? $", case {c}" : ""));
            Console.WriteLine($"  period {report.PeriodFrom:yyyy-MM-dd} to {report.PeriodTo:yyyy-MM-dd}: {report.Amount} in {report.TransactionCount} transaction(s)");
            Console.WriteLine($"  documents: {string.Join(", ", report.Formats)}; generated {Wire.Time(report.CreatedAt)}, updated {Wire.Time(report.UpdatedAt)}");
            return 0;
        });
        return cmd;
    }
}
