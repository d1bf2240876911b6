using System.Security.Cryptography;
using System.Text;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Adapters.Lists;

/// <summary>One file a list is read from: its file name (no folder) and its bytes as published.</summary>
public sealed record ListSourceFile(string Name, byte[] Content)
{
    public static ListSourceFile Read(string path) => new(Path.GetFileName(path), File.ReadAllBytes(path));

    /// <summary>
    /// The text: UTF-8 (a BOM is dropped), or Windows-1252 / Latin-1 when the bytes are not valid UTF-8 (older OFAC
    /// files).
    /// </summary>
    public string Text()
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(Content);
        }
    }

    /// <summary>
    /// The version of a list read from <paramref name="files"/>: SHA-256 over the lines <c>name:sha256(content)\n</c>
    /// of every file, ordered by lower-case name, so the same files give the same version wherever they come from.
    /// </summary>
    public static ListVersion Version(IEnumerable<ListSourceFile> files, DateTimeOffset? publishedAt)
    {
        var sb = new StringBuilder();
        foreach (var f in files.OrderBy(f => f.Name.ToLowerInvariant(), StringComparer.Ordinal))
        {
            sb.Append(f.Name.ToLowerInvariant()).Append(':').Append(Convert.ToHexStringLower(SHA256.HashData(f.Content))).Append('\n');
        }

        return new ListVersion(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))), publishedAt);
    }
}
