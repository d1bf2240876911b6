using System.Text;

namespace SmallChange.Portal.Records;

/// <summary>
/// CSV as RFC 4180 writes it (comma, CRLF, fields quoted when they hold a comma, quote or line break). Text that a
/// spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) is prefixed with an apostrophe; numbers are
/// written with <see cref="Number"/> and left alone.
/// </summary>
public sealed class CsvText
{
    private readonly StringBuilder _sb = new();

    public CsvText Row(params object?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                _sb.Append(',');
            }

            _sb.Append(fields[i] switch
            {
                null => "",
                NumberField n => n.Text,
                var f => Quote(Defuse(f.ToString() ?? "")),
            });
        }

        _sb.Append("\r\n");
        return this;
    }

    /// <summary>A numeric field (an amount as invariant decimal text): written as is.</summary>
    public static NumberField Number(string text) => new(text);

    public override string ToString() => _sb.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ToString())).ToArray();

    private static string Defuse(string s) => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s;

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    public readonly record struct NumberField(string Text);
}
