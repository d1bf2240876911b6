using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange sanctions import|versions|rescreen</c>: sanctions lists kept in the database with versions.
/// <list type="bullet">
/// <item><c>import --source ofac-sdn|ofac-cons|un FILE...</c> reads the files (or one folder holding them) with the list
/// readers and stores a new version when the entries changed; the same content again is a no-op that says so. Prints what
/// changed and whether a rescreen is needed (<c>--rescreen</c> runs it at once).</item>
/// <item><c>versions [--list ID]</c> lists the stored versions, newest first.</item>
/// <item><c>rescreen</c> screens every holder and destination name against the latest versions (lists never imported
/// come from <c>--lists</c>, default testdata/sanctions), files each name's best hit as an alert in the holder's case (once:
/// a second rescreen with the same versions files nothing) and prints the hits.</item>
/// </list>
/// Exit 0 (imported, unchanged, or rescreened whatever the hits); 2 for bad arguments or unreadable files.
/// </summary>
public static class SanctionsCommand
{
    /// <summary>The <c>--source</c> names and the list ids they store under.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sources = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ofac-sdn"] = OfacCsvReader.SdnListId,
        ["ofac-cons"] = OfacCsvReader.ConsolidatedListId,
        ["un"] = UnXmlReader.ListId,
    };

    private static readonly JsonSerializerOptions Json = ScreenCommand.Json;

    public static Command Create()
    {
        var cmd = new Command("sanctions", "Sanctions lists in the database: import with versions, list versions, rescreen everyone");
        cmd.Subcommands.Add(Import());
        cmd.Subcommands.Add(Versions());
        cmd.Subcommands.Add(Rescreen());
        return cmd;
    }

    private static Command Import()
    {
        var source = new Option<string>("--source") { Description = "ofac-sdn, ofac-cons or un", Required = true };
        source.AcceptOnlyFromAmong([.. Sources.Keys]);
        var files = new Argument<string[]>("files")
        {
            Description = "ofac-sdn: sdn.csv [alt.csv add.csv sdn_comments.csv]; ofac-cons: cons_prim.csv [cons_alt.csv cons_add.csv cons_comments.csv]; un: the consolidated XML. Or one folder holding them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var rescreen = new Option<bool>("--rescreen") { Description = "Rescreen every holder and destination when a new version was stored" };
        var lists = ScreenCommand.ListsOption();
        var cmd = new Command("import", "Import a sanctions list; a new version when its entries changed, a no-op otherwise");
        cmd.Options.Add(source);
        cmd.Arguments.Add(files);
        cmd.Options.Add(json);
        cmd.Options.Add(rescreen);
        cmd.Options.Add(lists);
        cmd.SetAction(async (parse, ct) =>
        {
            var read = Read(parse.GetValue(source)!, parse.GetValue(files)!);
            if (read.Error is { } error)
            {
                return Fail(error);
            }

            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var service = new SanctionsListService(store, TimeProvider.System, null, Fallback(parse.GetValue(lists)));
            var result = await service.Import(read.List!, read.Files, ct);
            RescreenFiling? report = null;
            if (result.RescreenNeeded && parse.GetValue(rescreen))
            {
                // Moves the servers' rescreen position too (they would otherwise rescreen again, filing nothing new).
                report = await service.RescreenIfListsChanged(ct) ?? await service.RescreenAndFile(ct);
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(ImportOutput.Of(result, report), Json));
                return 0;
            }

            var v = result.Version;
            if (result.Outcome == ImportOutcome.Unchanged)
            {
                Console.WriteLine($"{result.ListId}: unchanged — the entries equal version {v.Sequence} (content {Short(v.ContentHash)}, {v.EntryCount:N0} entries, imported {Time(v.ImportedAt)}); nothing written, no rescreen needed.");
                return 0;
            }

            Console.WriteLine($"{result.ListId}: imported version {v.Sequence} (content {Short(v.ContentHash)}, {v.EntryCount:N0} entries{(v.PublishedAt is { } p ? $", published {Time(p)}" : "")}) from {v.SourceFiles}.");
            Console.WriteLine(result.Previous is { } prev
                ? $"  against version {prev.Sequence}: {result.Added.Count} added, {result.Removed.Count} removed, {result.Changed.Count} changed."
                : $"  first version of this list: {result.Added.Count} entries added.");
            if (result.Previous is not null)
            {
                PrintIds("added", result.Added);
                PrintIds("removed", result.Removed);
                PrintIds("changed", result.Changed);
            }

            if (result.DuplicatesDropped > 0)
            {
                Console.WriteLine($"  {result.DuplicatesDropped} repeated entry id(s) in the files: the first of each was kept.");
            }

            if (report is not null)
            {
                PrintReport(report);
            }
            else
            {
                Console.WriteLine("  Rescreen needed: a running server rescreens every holder and destination within a minute (or at its next start); --rescreen or `smallchange sanctions rescreen` does it now.");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Versions()
    {
        var list = new Option<string?>("--list") { Description = "Only this list: ofac_sdn, ofac_cons or un" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var cmd = new Command("versions", "List the stored versions of the sanctions lists, newest first");
        cmd.Options.Add(list);
        cmd.Options.Add(json);
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var versions = await new SanctionsListService(store, TimeProvider.System).Versions(parse.GetValue(list), ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(versions.Select(VersionOutput.Of).ToList(), Json));
                return 0;
            }

            if (versions.Count == 0)
            {
                Console.WriteLine("No sanctions list has been imported (screening uses the list files).");
                return 0;
            }

            Console.WriteLine($"{"list",-10}  {"version",7}  {"content",-12}  {"entries",7}  {"added",6}  {"removed",7}  {"changed",7}  {"imported",-20}  {"published",-20}  files");
            foreach (var v in versions)
            {
                Console.WriteLine($"{v.ListId,-10}  {v.Sequence,7}  {Short(v.ContentHash),-12}  {v.EntryCount,7}  {v.Added,6}  {v.Removed,7}  {v.Changed,7}  {Time(v.ImportedAt),-20}  {(v.PublishedAt is { } p ? Time(p) : "-"),-20}  {v.SourceFiles}");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Rescreen()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var lists = ScreenCommand.ListsOption();
        var cmd = new Command("rescreen", "Screen every holder and destination name against the latest lists and print the hits");
        cmd.Options.Add(json);
        cmd.Options.Add(lists);
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(lists) is { } dir && !Directory.Exists(dir))
            {
                return Fail("--lists: the folder does not exist.");
            }

            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var report = await new SanctionsListService(store, TimeProvider.System, null, Fallback(parse.GetValue(lists))).RescreenAndFile(ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(RescreenOutput.Of(report), Json));
                return 0;
            }

            PrintReport(report);
            return 0;
        });
        return cmd;
    }

    /// <summary>The lists of the folder (or the default folder) for ids never imported; none when there is no folder.</summary>
    internal static Func<IReadOnlyList<SanctionsList>> Fallback(string? folder) => () =>
    {
        var dir = folder ?? SanctionsListFolder.FindDefault(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        return dir is not null && SanctionsListFolder.Load(dir).TryGet(out var lists, out _) ? lists : [];
    };

    private static void PrintReport(RescreenFiling filing)
    {
        var report = filing.Report;
        var lists = string.Join(", ", report.Lists.Select(l => $"{l.ListId} {(l.FromStore ? $"v{l.Sequence}" : "file")} {Short(l.ContentHash)}"));
        Console.WriteLine($"Rescreened {report.HoldersScreened:N0} holders and {report.DestinationsScreened:N0} destinations against {(lists.Length == 0 ? "no list" : lists)}: {report.Hits.Count} hit(s) at or above {report.Threshold.ToString("0.00", CultureInfo.InvariantCulture)}.");
        foreach (var h in report.Hits)
        {
            var who = h.Subject == ScreenedSubject.Holder ? $"holder {h.Holder}" : $"holder {h.Holder} destination {h.Destination}";
            Console.WriteLine($"  {h.Score.ToString("0.000", CultureInfo.InvariantCulture)}  {h.ListId}:{h.EntryId}  {h.EntryPrimaryName}  ({who})");
        }

        Console.WriteLine($"Alerts: {filing.AlertsFiled} new (each name's best hit, in the holder's case), {filing.AlreadyFiled} filed by an earlier rescreen.");
    }

    private static void PrintIds(string what, IReadOnlyList<string> ids)
    {
        if (ids.Count > 0)
        {
            Console.WriteLine($"  {what}: {string.Join(", ", ids.Take(20))}{(ids.Count > 20 ? $", … ({ids.Count - 20} more)" : "")}");
        }
    }

    /// <summary>Reads the list named by <paramref name="source"/> from the files given (or one folder).</summary>
    private static (SanctionsList? List, IReadOnlyList<string> Files, string? Error) Read(string source, string[] paths)
    {
        var listId = Sources[source];
        if (paths.Length == 1 && Directory.Exists(paths[0]))
        {
            var folder = paths[0];
            var result = listId switch
            {
                OfacCsvReader.SdnListId => OfacCsvReader.ReadSdnFolder(folder),
                OfacCsvReader.ConsolidatedListId => OfacCsvReader.ReadConsolidatedFolder(folder),
                _ => Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal).FirstOrDefault() is { } xml
                    ? UnXmlReader.ReadFile(xml)
                    : new Core.Common.Error("lists.not_found", "un: no XML file in the folder."),
            };
            var names = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>()
                .Where(n => listId == UnXmlReader.ListId ? n.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) : Known(listId).Contains(n, StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            return result.TryGet(out var l, out var e) ? (l, names, null) : (null, [], $"{e.Code}: {e.Message}");
        }

        foreach (var p in paths)
        {
            if (!File.Exists(p))
            {
                return (null, [], $"{p}: no such file.");
            }
        }

        var files = paths.Select(ListSourceFile.Read).ToList();
        if (listId == UnXmlReader.ListId)
        {
            if (files.Count != 1)
            {
                return (null, [], "--source un takes one XML file (the UN consolidated list).");
            }

            var un = UnXmlReader.Read(files[0]);
            return un.TryGet(out var l, out var e) ? (l, [files[0].Name], null) : (null, [], $"{e.Code}: {e.Message}");
        }

        var known = Known(listId);
        var byRole = new ListSourceFile?[4];
        foreach (var f in files)
        {
            var role = Array.FindIndex(known, k => string.Equals(k, f.Name, StringComparison.OrdinalIgnoreCase));
            if (role < 0)
            {
                return (null, [], $"{f.Name}: not a file of this list (expected {string.Join(", ", known)}).");
            }

            if (byRole[role] is not null)
            {
                return (null, [], $"{f.Name} is given twice.");
            }

            byRole[role] = f;
        }

        if (byRole[0] is not { } primary)
        {
            return (null, [], $"{known[0]} is required for --source {source}.");
        }

        var read = OfacCsvReader.Read(listId, primary, byRole[1], byRole[2], byRole[3]);
        return read.TryGet(out var list, out var error) ? (list, files.Select(f => f.Name).ToList(), null) : (null, [], $"{error.Code}: {error.Message}");
    }

    private static string[] Known(string listId) => listId == OfacCsvReader.SdnListId ? OfacCsvReader.SdnFiles : OfacCsvReader.ConsolidatedFiles;

    private static string Short(string hash) => hash[..Math.Min(12, hash.Length)];

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"sanctions: {message}");
        return 2;
    }

    public sealed record VersionOutput(string List, int Version, string ContentHash, string? PublishedAt, string ImportedAt, int Entries, int Added, int Removed, int Changed, string SourceFiles)
    {
        public static VersionOutput Of(StoredListVersion v) =>
            new(v.ListId, v.Sequence, v.ContentHash, v.PublishedAt is { } p ? Time(p) : null, Time(v.ImportedAt), v.EntryCount, v.Added, v.Removed, v.Changed, v.SourceFiles);
    }

    public sealed record ImportOutput(
        string List,
        string Outcome,
        VersionOutput Version,
        VersionOutput? PreviousVersion,
        IReadOnlyList<string> Added,
        IReadOnlyList<string> Removed,
        IReadOnlyList<string> Changed,
        int DuplicatesDropped,
        bool RescreenNeeded,
        RescreenOutput? Rescreen)
    {
        public static ImportOutput Of(SanctionsImportResult r, RescreenFiling? report) => new(
            r.ListId, r.Outcome == ImportOutcome.Imported ? "imported" : "unchanged", VersionOutput.Of(r.Version),
            r.Previous is null ? null : VersionOutput.Of(r.Previous), r.Added, r.Removed, r.Changed, r.DuplicatesDropped, r.RescreenNeeded,
            report is null ? null : RescreenOutput.Of(report));
    }

    public sealed record HitOutput(string Subject, Guid HolderId, Guid? DestinationId, string List, string EntryId, string EntryPrimaryName, double Score);

    public sealed record ListOutput(string List, string ContentHash, string? PublishedAt, int Entries, string From, int? Version);

    public sealed record RescreenOutput(IReadOnlyList<ListOutput> Lists, double Threshold, int HoldersScreened, int DestinationsScreened, IReadOnlyList<HitOutput> Hits,
        int AlertsFiled, int AlreadyFiled)
    {
        public static RescreenOutput Of(RescreenFiling f) => Of(f.Report, f.AlertsFiled, f.AlreadyFiled);

        private static RescreenOutput Of(RescreenReport r, int filed, int known) => new(
            r.Lists.Select(l => new ListOutput(l.ListId, l.ContentHash, l.PublishedAt is { } p ? Time(p) : null, l.Entries, l.FromStore ? "database" : "files", l.Sequence)).ToList(),
            r.Threshold, r.HoldersScreened, r.DestinationsScreened,
            r.Hits.Select(h => new HitOutput(h.Subject == ScreenedSubject.Holder ? "holder" : "destination", h.Holder.Value, h.Destination?.Value, h.ListId, h.EntryId, h.EntryPrimaryName, h.Score)).ToList(),
            filed, known);
    }
}
