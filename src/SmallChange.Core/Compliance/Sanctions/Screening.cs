using System.Globalization;
using SmallChange.Core.Common;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// A date of birth as a person or a file gives it: a year, a year and month, or a full date. Personal data:
/// <see cref="ToString"/> redacts.
/// </summary>
public readonly record struct PartialDate
{
    private PartialDate(int year, int? month, int? day)
    {
        Year = year;
        Month = month;
        Day = day;
    }

    public int Year { get; }

    public int? Month { get; }

    public int? Day { get; }

    public static PartialDate FromDate(DateOnly d) => new(d.Year, d.Month, d.Day);

    /// <summary>
    /// Parses <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c> (one-digit month or day accepted). A date that does not
    /// exist (<c>1974-01-32</c>) keeps what is valid of it (the year, and the month if it is one). Text without a
    /// plausible year (1800–2200) is an error.
    /// </summary>
    public static Result<PartialDate> Parse(string? text)
    {
        var t = text?.Trim() ?? "";
        var parts = t.Split('-', '/', '.');
        if (parts.Length is < 1 or > 3 || !TryInt(parts[0], 4, 4, out var year) || year is < 1800 or > 2200)
        {
            return new Error("dob.invalid", "A date of birth is written YYYY, YYYY-MM or YYYY-MM-DD.", "dob");
        }

        int? month = null;
        int? day = null;
        if (parts.Length >= 2)
        {
            if (!TryInt(parts[1], 1, 2, out var m))
            {
                return new Error("dob.invalid", "A date of birth is written YYYY, YYYY-MM or YYYY-MM-DD.", "dob");
            }

            month = m is >= 1 and <= 12 ? m : null;
        }

        if (parts.Length == 3)
        {
            if (!TryInt(parts[2], 1, 2, out var d))
            {
                return new Error("dob.invalid", "A date of birth is written YYYY, YYYY-MM or YYYY-MM-DD.", "dob");
            }

            day = month is { } mm && d >= 1 && d <= DateTime.DaysInMonth(year, mm) ? d : null;
        }

        return new PartialDate(year, month, day);
    }

    public override string ToString() => "[redacted date]";

    private static bool TryInt(string s, int minLen, int maxLen, out int value)
    {
        value = 0;
        return s.Length >= minLen && s.Length <= maxLen && s.All(char.IsAsciiDigit) &&
               int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>
/// Who to screen: a full name as written (any script, any order), and optionally a date of birth and a nationality
/// (ISO alpha-2 code or English country name). Personal data: <see cref="ToString"/> redacts.
/// </summary>
public sealed record ScreeningQuery(string FullName, PartialDate? BirthDate = null, string? Nationality = null)
{
    public override string ToString() =>
        $"ScreeningQuery {{ FullName = [redacted], BirthDate = {(BirthDate is null ? "none" : "[redacted]")}, Nationality = {(Nationality is null ? "none" : "[redacted]")} }}";
}

/// <summary>
/// One list entry that matched, with the score (0–1), the name of the entry that matched best (primary or alias,
/// as the list writes it), and a short explanation in terms of tokens, birth year and nationality (never the query text).
/// </summary>
public sealed record ScreeningMatch(
    SanctionsEntry Entry,
    double Score,
    double NameScore,
    string MatchedName,
    bool MatchedPrimary,
    string Explanation)
{
    public override string ToString() => $"ScreeningMatch {{ {Entry.Key}, Score = {Score:0.000} }}";
}

/// <summary>
/// The answer to a screening: the matches at or above <see cref="Threshold"/>, best first (ties in list order).
/// Carries the query, so <see cref="ToString"/> redacts it.
/// </summary>
public sealed record ScreeningResult(ScreeningQuery Query, double Threshold, IReadOnlyList<ScreeningMatch> Matches)
{
    /// <summary>At least one match at or above the threshold: an alert.</summary>
    public bool IsHit => Matches.Count > 0;

    public ScreeningMatch? Best => Matches.Count > 0 ? Matches[0] : null;

    public override string ToString() => $"ScreeningResult {{ Threshold = {Threshold:0.00}, Matches = {Matches.Count} }}";
}
