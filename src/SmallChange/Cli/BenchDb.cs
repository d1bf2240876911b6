namespace SmallChange.Cli;

/// <summary>The throwaway SQLite files of a bench run.</summary>
internal static class BenchDb
{
    /// <summary>A new SQLite file path in the temp folder (nothing is created until a store opens it).</summary>
    public static string TempFile(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");

    /// <summary>Deletes a SQLite database and its companions (WAL, shared memory, and the given suffixes, such as the key ring).</summary>
    public static void Delete(string db, params string[] suffixes)
    {
        foreach (var f in new[] { db, db + "-wal", db + "-shm" }.Concat(suffixes.Select(s => db + s)))
        {
            File.Delete(f);
        }
    }
}
