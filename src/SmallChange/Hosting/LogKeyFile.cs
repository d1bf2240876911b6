using SmallChange.Adapters.Storage.Postgres;
using SmallChange.Core.Audit;

namespace SmallChange.Hosting;

/// <summary>
/// The checkpoint-signing key (ECDSA P-256, PKCS#8 PEM). Where it lives: <c>--log-key FILE</c>, else
/// <c>SMALLCHANGE_LOG_KEY_FILE</c>, else next to a SQLite database (<c>&lt;db&gt;.log-key.pem</c>). A missing file is
/// created (readable by its owner only). With PostgreSQL and no file configured, each process signs with a fresh key
/// of its own; every key is published in the database, so receipts verify either way, but operators should give
/// all nodes one key file from their secret store (docs/verifiable-ledger.md).
/// </summary>
public static class LogKeyFile
{
    public static string? PathFor(string db, string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return configured;
        }

        if (Environment.GetEnvironmentVariable("SMALLCHANGE_LOG_KEY_FILE") is { Length: > 0 } env)
        {
            return env;
        }

        return PostgresConnectionString.IsPostgres(db) || db.Contains('=', StringComparison.Ordinal) ? null : Path.GetFullPath(db) + ".log-key.pem";
    }

    public static CheckpointKey LoadOrCreate(string? path)
    {
        if (path is null)
        {
            return CheckpointKey.Generate();
        }

        if (File.Exists(path))
        {
            try
            {
                return CheckpointKey.FromPrivatePem(File.ReadAllText(path));
            }
            catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new ConfigurationException($"The log signing key {path} is not a PKCS#8 PEM ECDSA P-256 private key.");
            }
        }

        var key = CheckpointKey.Generate();
        Write(path, key);
        return key;
    }

    /// <summary>Writes a private key file that only its owner can read.</summary>
    public static void Write(string path, CheckpointKey key)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var w = new StreamWriter(new FileStream(path, options));
        w.Write(key.PrivatePem());
    }
}
