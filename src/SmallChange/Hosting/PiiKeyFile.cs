using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Privacy;

namespace SmallChange.Hosting;

/// <summary>
/// The personal-data key ring (JSON, see <see cref="PiiKeyRing.ToJson"/>). Where it lives: <c>--pii-keys FILE</c>, else
/// <c>SMALLCHANGE_PII_KEY_FILE</c>, else next to a SQLite database (<c>&lt;db&gt;.pii-keys.json</c>). A missing file is
/// created (readable by its owner only). PostgreSQL has no default: every node must read the same ring, so the operator
/// names the file (from the secret store); without one the store refuses to open rather than write data that other
/// nodes could not read.
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

    /// <summary>Reads the ring at <paramref name="path"/>, creating a fresh one there if the file does not exist.</summary>
    public static PiiKeyRing LoadOrCreate(string? path, string db, DateTimeOffset now)
    {
        if (path is null)
        {
            throw new ConfigurationException(
                $"A PostgreSQL database needs the personal-data key file shared by every node: pass --pii-keys FILE or set {EnvironmentVariable} (a missing file is created).");
        }

        if (File.Exists(path))
        {
            try
            {
                return PiiKeyRing.FromJson(File.ReadAllText(path));
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"The personal-data key file {path} is not valid: {e.Message}");
            }
        }

        var ring = PiiKeyRing.Generate(now);
        try
        {
            Write(path, ring, createNew: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first (two nodes or tests starting together): use theirs.
            return PiiKeyRing.FromJson(File.ReadAllText(path));
        }

        return ring;
    }

    /// <summary>
    /// Writes the ring readable by its owner only. Replacing an existing file goes through a temporary file and a rename,
    /// so a crash leaves the old ring or the new one, never half of one.
    /// </summary>
    public static void Write(string path, PiiKeyRing ring, bool createNew)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var target = createNew ? full : full + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(target, options))
        using (var w = new StreamWriter(stream))
        {
            w.Write(ring.ToJson());
            w.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!createNew)
        {
            File.Move(target, full, overwrite: true);
        }
    }
}
