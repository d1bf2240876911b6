using System.Text;

namespace SmallChange.Adapters.Lists;

/// <summary>
/// A small RFC 4180 reader: fields separated by commas, records by CRLF or LF; a field in double quotes may contain
/// commas, line breaks and doubled quotes (<c>""</c>). Unquoted fields are kept as written (callers trim); a trailing
/// Ctrl-Z (OFAC's files end with one) and blank lines are ignored. An unterminated quoted field is a
/// <see cref="FormatException"/> naming the record.
/// </summary>
public static class CsvRecords
{
    public static IEnumerable<string[]> Parse(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var record = 1;
        var n = text.Length;
        while (n > 0 && (text[n - 1] == '\u001a' || text[n - 1] == '\r' || text[n - 1] == '\n'))
        {
            n--;
        }

        if (n > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }

        var fieldStarted = false;
        while (i < n)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0 && !fieldStarted)
            {
                // Quoted field.
                i++;
                var closed = false;
                while (i < n)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < n && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                if (!closed)
                {
                    throw new FormatException($"Record {record}: a quoted field is not closed.");
                }

                fieldStarted = true;
                // Anything up to the next separator after the closing quote (OFAC writes none; be lenient with spaces).
                while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
                {
                    field.Append(text[i++]);
                }

                continue;
            }

            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                i++;
                continue;
            }

            if (c is '\r' or '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                if (c == '\r' && i + 1 < n && text[i + 1] == '\n')
                {
                    i++;
                }

                i++;
                if (fields.Count > 1 || fields[0].Length > 0)
                {
                    yield return fields.ToArray();
                }

                fields.Clear();
                record++;
                continue;
            }

            fieldStarted = true;
            field.Append(c);
            i++;
        }

        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                yield return fields.ToArray();
            }
        }
    }
}
