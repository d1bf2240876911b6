using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Adapters.Lists;

/// <summary>
/// Loads every list found in a folder and its sub-folders: a folder with <c>sdn.csv</c> is the OFAC SDN list, one with
/// <c>cons_prim.csv</c> the OFAC consolidated list, an XML file whose root is <c>CONSOLIDATED_LIST</c> the UN list.
/// Each list once (the first found, in ordinal path order). The layout of <c>testdata/sanctions</c> and a folder of
/// freshly downloaded files both work.
/// </summary>
public static class SanctionsListFolder
{
    /// <summary>The folder the CLI uses when none is given: <c>testdata/sanctions</c> under the repository.</summary>
    public const string DefaultRelativePath = "testdata/sanctions";

    public static Result<IReadOnlyList<SanctionsList>> Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return new Error("lists.not_found", "The list folder does not exist.", "lists");
        }

        var dirs = new[] { folder }.Concat(Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)).ToArray();
        var lists = new List<SanctionsList>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        Error? Take(Result<SanctionsList> r)
        {
            if (!r.TryGet(out var list, out var error))
            {
                return error;
            }

            if (seen.Add(list.Id))
            {
                lists.Add(list);
            }

            return null;
        }

        foreach (var dir in dirs)
        {
            var files = Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (files.Contains("sdn.csv") && !seen.Contains(OfacCsvReader.SdnListId) && Take(OfacCsvReader.ReadSdnFolder(dir)) is { } e1)
            {
                return e1;
            }

            if (files.Contains("cons_prim.csv") && !seen.Contains(OfacCsvReader.ConsolidatedListId) && Take(OfacCsvReader.ReadConsolidatedFolder(dir)) is { } e2)
            {
                return e2;
            }

            foreach (var xml in files.Where(f => f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                var path = Path.Combine(dir, xml);
                if (!seen.Contains(UnXmlReader.ListId) && LooksLikeUnList(path) && Take(UnXmlReader.ReadFile(path)) is { } e3)
                {
                    return e3;
                }
            }
        }

        return lists.Count == 0
            ? new Error("lists.not_found", "No sanctions list (sdn.csv, cons_prim.csv or a UN consolidated XML) in the folder.", "lists")
            : lists;
    }

    /// <summary>
    /// <c>testdata/sanctions</c> in the first of <paramref name="startFolders"/> or their parents that has one, or null.
    /// </summary>
    public static string? FindDefault(params string[] startFolders)
    {
        foreach (var start in startFolders)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DefaultRelativePath);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool LooksLikeUnList(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[512];
        var n = stream.Read(head, 0, head.Length);
        return System.Text.Encoding.UTF8.GetString(head, 0, n).Contains("CONSOLIDATED_LIST", StringComparison.Ordinal);
    }
}
