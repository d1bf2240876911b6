using System.Reflection;
using System.Text.RegularExpressions;

namespace SmallChange.Adapters.Storage;

/// <summary>A numbered, forward-only migration: <c>NNNN_name.sql</c> embedded in this assembly, one folder per backend.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>Reads the migrations of one backend folder ("Sqlite" or "Postgres") in version order.</summary>
    public static IReadOnlyList<Migration> Load(string backendFolder)
    {
        var asm = typeof(Migration).Assembly;
        var prefix = $"{asm.GetName().Name}.Storage.{backendFolder}.Migrations.";
        var pattern = new Regex(@"^(\d{4})_([a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant);
        var list = new List<Migration>();
        foreach (var resource in asm.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..];
            var m = pattern.Match(file);
            if (!m.Success)
            {
                throw new InvalidOperationException($"Migration file name '{file}' must look like 0001_name.sql.");
            }

            using var stream = asm.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1..N without gaps; found {list[i].Version} at position {i + 1}.");
            }
        }

        return list;
    }
}
