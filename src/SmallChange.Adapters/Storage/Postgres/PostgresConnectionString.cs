using System.Globalization;
using Npgsql;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Accepts a PostgreSQL connection string in either form operators use: keyword (<c>Host=a,b;Database=…</c>) or
/// URI (<c>postgres://user:password@host1:5432,host2:5432/db?target_session_attrs=read-write</c>), and returns
/// Npgsql's keyword form. Multiple hosts are kept (Npgsql tries them in order and, with
/// <c>Target Session Attributes=read-write</c>, connects only to the primary).
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>Whether a <c>--db</c> value names a PostgreSQL server rather than a SQLite file.</summary>
    public static bool IsPostgres(string db) =>
        db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || db.Contains("Host=", StringComparison.OrdinalIgnoreCase)
        || db.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses either form; throws <see cref="ArgumentException"/> naming what is wrong (never echoing a password).</summary>
    public static NpgsqlConnectionStringBuilder Parse(string db)
    {
        NpgsqlConnectionStringBuilder b;
        if (db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            b = FromUri(db);
        }
        else
        {
            try
            {
                b = new NpgsqlConnectionStringBuilder(db);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException("The PostgreSQL connection string is not valid: " + e.Message.Split('\n')[0], nameof(db));
            }
        }

        if (string.IsNullOrWhiteSpace(b.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no host.", nameof(db));
        }

        return b;
    }

    private static NpgsqlConnectionStringBuilder FromUri(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var b = new NpgsqlConnectionStringBuilder();
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : "";
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            b.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        // Hosts: "h1:5432,h2:5433" (Npgsql takes the same list, ports included).
        var hosts = authority.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hosts.Length == 0)
        {
            throw new ArgumentException("The PostgreSQL URI names no host.", nameof(uri));
        }

        foreach (var h in hosts)
        {
            var c = h.LastIndexOf(':');
            if (c > 0 && !h.EndsWith(']') && !int.TryParse(h[(c + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new ArgumentException($"The PostgreSQL URI has a host with a port that is not a number.", nameof(uri));
            }
        }

        b.Host = string.Join(',', hosts.Select(Uri.UnescapeDataString));
        if (database.Length > 0)
        {
            b.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair).Replace('_', ' ');
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "true";
            key = key switch
            {
                "target session attrs" => "Target Session Attributes",
                "sslmode" => "SSL Mode",
                "connect timeout" => "Timeout",
                "application name" => "Application Name",
                "options" => "Options",
                _ => key,
            };
            try
            {
                b[key] = value;
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"The PostgreSQL URI has a parameter Npgsql does not know: '{key}'.", nameof(uri));
            }
        }

        return b;
    }
}
