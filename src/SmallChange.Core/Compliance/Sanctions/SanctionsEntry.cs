namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>What a list entry designates.</summary>
public enum SanctionsEntryType
{
    Person = 0,
    Entity = 1,
    Vessel = 2,
    Aircraft = 3,
}

/// <summary>
/// A date of birth as a list states it: an exact date, a year, or a span of years (<c>BETWEEN 1958 AND 1962</c>,
/// <c>circa 1960</c>). <see cref="Month"/> and <see cref="Day"/> are set only for an exact date.
/// </summary>
public readonly record struct ListedBirthDate
{
    private ListedBirthDate(int fromYear, int toYear, int? month, int? day, bool approximate)
    {
        FromYear = fromYear;
        ToYear = toYear;
        Month = month;
        Day = day;
        Approximate = approximate;
    }

    /// <summary>First possible year (inclusive).</summary>
    public int FromYear { get; }

    /// <summary>Last possible year (inclusive); equals <see cref="FromYear"/> unless the list gives a span.</summary>
    public int ToYear { get; }

    /// <summary>1–12 when the list gives the month.</summary>
    public int? Month { get; }

    /// <summary>1–31 when the list gives the full date.</summary>
    public int? Day { get; }

    /// <summary>The list says "approximately" / "circa".</summary>
    public bool Approximate { get; }

    public static ListedBirthDate Exact(DateOnly date) => new(date.Year, date.Year, date.Month, date.Day, false);

    public static ListedBirthDate Year(int year, bool approximate = false) => new(CheckYear(year), year, null, null, approximate);

    public static ListedBirthDate YearMonth(int year, int month, bool approximate = false) =>
        month is < 1 or > 12 ? throw new ArgumentOutOfRangeException(nameof(month)) : new(CheckYear(year), year, month, null, approximate);

    public static ListedBirthDate Between(int fromYear, int toYear, bool approximate = false) =>
        toYear < fromYear ? throw new ArgumentOutOfRangeException(nameof(toYear)) : new(CheckYear(fromYear), CheckYear(toYear), null, null, approximate);

    /// <summary>Does the listed date cover <paramref name="year"/> (with one year either side when approximate)?</summary>
    public bool CoversYear(int year) => Approximate ? year >= FromYear - 1 && year <= ToYear + 1 : year >= FromYear && year <= ToYear;

    /// <summary>Whole years between <paramref name="year"/> and the listed span (0 when covered).</summary>
    public int YearsApart(int year) => year < FromYear ? FromYear - year : year > ToYear ? year - ToYear : 0;

    public override string ToString()
    {
        var approx = Approximate ? "circa " : "";
        if (Day is { } d && Month is { } m)
        {
            return $"{approx}{FromYear:0000}-{m:00}-{d:00}";
        }

        if (Month is { } mm)
        {
            return $"{approx}{FromYear:0000}-{mm:00}";
        }

        return FromYear == ToYear ? $"{approx}{FromYear:0000}" : $"{approx}{FromYear:0000} to {ToYear:0000}";
    }

    private static int CheckYear(int year) => year is < 1800 or > 2200 ? throw new ArgumentOutOfRangeException(nameof(year)) : year;
}

/// <summary>
/// One designation on a sanctions list: a person, entity, vessel or aircraft with its names and the identifying details
/// the screener uses. Public list data, not personal data of our users. Collections are never null.
/// </summary>
/// <param name="ListId">The list it comes from: <c>ofac_sdn</c>, <c>ofac_cons</c>, <c>un</c>.</param>
/// <param name="EntryId">The list's own id (OFAC <c>ent_num</c>, UN <c>DATAID</c>).</param>
/// <param name="Reference">A human reference when the list has one (UN <c>QDi.311</c>), else null.</param>
/// <param name="Aliases">Strong aliases (a.k.a., f.k.a., good-quality); screened.</param>
/// <param name="WeakAliases">Weak / low-quality aliases (OFAC "weak a.k.a." in remarks, UN quality "Low"); kept, screened only when the screener is asked to.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes of nationality or citizenship, upper case.</param>
/// <param name="Countries">ISO alpha-2 codes of other countries named (addresses, place of birth, flag), upper case.</param>
/// <param name="Programs">Sanctions programmes (OFAC <c>SDGT</c>, UN list type <c>Al-Qaida</c>).</param>
public sealed record SanctionsEntry(
    string ListId,
    string EntryId,
    string? Reference,
    SanctionsEntryType Type,
    string PrimaryName,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> WeakAliases,
    IReadOnlyList<ListedBirthDate> BirthDates,
    IReadOnlyList<string> Nationalities,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> Programs,
    string? Remarks)
{
    /// <summary>
    /// The addresses the list gives, one line each as written (street, city, region and postal code, country, note), for
    /// officers reviewing a hit. Not used in matching (<see cref="Countries"/> carries their countries).
    /// </summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary><c>list:id</c>, unique across lists.</summary>
    public string Key => ListId + ":" + EntryId;

    /// <summary>An entry with just a name (tests, cross-script checks).</summary>
    public static SanctionsEntry Named(string listId, string entryId, SanctionsEntryType type, string primaryName, params string[] aliases) =>
        new(listId, entryId, null, type, primaryName, aliases, [], [], [], [], [], null);

    public override string ToString() => $"SanctionsEntry {{ {Key}, {Type}, {PrimaryName} }}";
}
