using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Privacy;

namespace SmallChange.Adapters.Storage;

/// <summary>
/// The personal-data key ring (JSON, see <see cref="PiiKeyRing.ToJson"/>). Where it lives: <c>--pii-keys FILE</c>, else
/// <c>SMALLCHANGE_PII_KEY_FILE</c>, else next to a SQLite database (<c>&lt;db&gt;.pii-keys.json</c>). A missing file is
/// created (readable by its owner only). PostgreSQL has no default: every node must read the same ring, so the operator
/// names the file (from the secret store); without one the store refuses to open rather than write data that other
/// nodes could not read. Both stores resolve the ring here when they are opened without one, so a test or tool that
/// opens a database directly reads it with the same ring as the <c>smallchange</c> commands.
/// </summary>
public static class PiiKeyFile
{
    public const string EnvironmentVariable = "SMALLCHANGE_PII_KEY_FILE";

    public static string? PathFor(string db, string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return configured;
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            return env;
        }

        return PostgresConnectionString.IsPostgres(db) || db.Contains('=', StringComparison.Ordinal) ? null : Path.GetFullPath(db) + ".pii-keys.json";
    }

    /// <summary>
    /// The personal data of the store on <paramref name="db"/>: the ring from <see cref="PathFor"/>, created if missing,
    /// re-read from its file when a value names a key it does not hold (a rotation by another process).
    /// </summary>
    public static PersonalData For(string db, string? configured, DateTimeOffset now)
    {
        var path = PathFor(db, configured);
        var ring = LoadOrCreate(path, now);
        var seen = Stamp(path!);
        return new PersonalData(
            ring,
            reload: () => File.Exists(path) ? Read(path!) : null,
            poll: () =>
            {
                // A rotation replaces the file (rename), so its change time and size tell; a failed read keeps the ring in use.
                var stamp = Stamp(path!);
                if (stamp == seen)
                {
                    return null;
                }

                try
                {
                    var fresh = Read(path!);
                    seen = stamp;
                    return fresh;
                }
                catch (Exception e) when (e is PiiKeyFileException or IOException)
                {
                    return null;
                }
            });
    }

    /// <summary>Reads the ring at <paramref name="path"/>, creating a fresh one there if the file does not exist.</summary>
    public static PiiKeyRing LoadOrCreate(string? path, DateTimeOffset now)
    {
        if (path is null)
        {
            throw new PiiKeyFileException(
                $"A PostgreSQL database needs the personal-data key file shared by every node: pass --pii-keys FILE or set {EnvironmentVariable} (a missing file is created).");
        }

        if (File.Exists(path))
        {
            return Read(path);
        }

        var ring = PiiKeyRing.Generate(now);
        if (!Write(path, ring, createNew: true))
        {
            // Another process created it first (two nodes or tests starting together): use theirs.
            return Read(path);
        }

        return ring;
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
    }

    public static PiiKeyRing Read(string path)
    {
        try
        {
            return PiiKeyRing.FromJson(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new PiiKeyFileException($"The personal-data key file {path} is not valid: {e.Message}");
        }
    }

    /// <summary>
    /// Writes the ring readable by its owner only, through a temporary file and a rename, so a crash leaves the old ring
    /// or the new one, never half of one. With <paramref name="createNew"/> the file must not exist yet: returns false
    /// (writing nothing) when another process created it first.
    /// </summary>
    public static bool Write(string path, PiiKeyRing ring, bool createNew)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var w = new StreamWriter(stream))
        {
            w.Write(ring.ToJson());
            w.Flush();
            stream.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temp, full, overwrite: !createNew);
            return true;
        }
        catch (IOException) when (createNew && File.Exists(full))
        {
            File.Delete(temp);
            return false;
        }
    }
}

/// <summary>The personal-data key file is missing where it must be given, or unreadable; the CLI prints the message and exits 2.</summary>
public sealed class PiiKeyFileException(string message) : Exception(message);
