namespace SmallChange.Core.Tests.Sanctions;

using SmallChange.Core.Compliance.Sanctions;

public class SanctionsEntryJsonTests
{
    private static SanctionsEntry Entry() => new(
        "un", "6908555", "QDi.311", SanctionsEntryType.Person, "ABDUL RAHMAN AHMAD HOTTAK", ["Abdul Rahman Hottak"], ["Hottak Sahib"],
        [ListedBirthDate.Exact(new DateOnly(1957, 3, 4)), ListedBirthDate.Year(1958, true), ListedBirthDate.YearMonth(1959, 7), ListedBirthDate.Between(1955, 1960)],
        ["AF"], ["AF", "PK"], ["Taliban"], "remarks")
    {
        Addresses = ["Ghazni Province, Afghanistan"],
    };

    [Fact]
    public void Write_ThenRead_EveryFieldBack()
    {
        var e = Entry();

        var back = SanctionsEntryJson.Read("un", "6908555", SanctionsEntryJson.Write(e));

        Assert.Equal(SanctionsEntryJson.Write(e), SanctionsEntryJson.Write(back));
        Assert.Equal(e.BirthDates, back.BirthDates);
        Assert.Equal(e.Addresses, back.Addresses);
        Assert.Equal(e.WeakAliases, back.WeakAliases);
        Assert.Equal((e.Key, e.Reference, e.Type, e.Remarks), (back.Key, back.Reference, back.Type, back.Remarks));
    }

    [Fact]
    public void Hash_AnyFieldChanged_HashChanges()
    {
        var h = SanctionsEntryJson.Hash(SanctionsEntryJson.Write(Entry()));

        Assert.Equal(h, SanctionsEntryJson.Hash(SanctionsEntryJson.Write(Entry())));
        Assert.NotEqual(h, SanctionsEntryJson.Hash(SanctionsEntryJson.Write(Entry() with { Aliases = ["Abdul Rahman Hotak"] })));
        Assert.NotEqual(h, SanctionsEntryJson.Hash(SanctionsEntryJson.Write(Entry() with { Addresses = [] })));
        Assert.NotEqual(h, SanctionsEntryJson.Hash(SanctionsEntryJson.Write(Entry() with { BirthDates = [ListedBirthDate.Year(1957)] })));
        Assert.Matches("^[0-9a-f]{64}$", h);
    }

    [Fact]
    public void Read_UnknownFormatVersion_Throws() =>
        Assert.Throws<InvalidDataException>(() => SanctionsEntryJson.Read("un", "1", """{"v":9,"type":"person","primary_name":"X"}"""));
}
