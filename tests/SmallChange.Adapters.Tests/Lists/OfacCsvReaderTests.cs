using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using static SmallChange.Adapters.Tests.Lists.ListsTestData;

namespace SmallChange.Adapters.Tests.Lists;

public class OfacCsvReaderTests
{
    private const string Sdn =
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n" +
        "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n" +
        "2674,\"HAMADEI, Ali Atwa\",\"individual\",\"SDGT] [IRGC\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 10 Mar 1960; alt. DOB 1961; POB Beirut, Lebanon; nationality Lebanon; citizen Iran; a.k.a. 'ABU ALI'; Gender Male; Linked T\"\r\n" +
        "9999,\"SEA STAR\",\"vessel\",\"IRAN\",-0- ,\"9HXY\",\"Crude Oil Tanker\",-0- ,-0- ,\"Panama\",-0- ,\"DOB circa 1958-1962\"\r\n" +
        "\u001a";

    private const string Alt =
        "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n" +
        "2674,900,\"aka\",\"HAMADI, Ali\",-0- \r\n" +
        "2674,901,\"fka\",\"ATWA, Ali\",-0- \r\n";

    private const string Add =
        "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n" +
        "173,129,\"Ibex House, The Minories\",\"London EC3N 1DY\",\"United Kingdom\",-0- \r\n";

    private const string Comments = "2674,\"o: HIZBALLAH.\"\r\n";

    private static SanctionsList Read() =>
        OfacCsvReader.Read(OfacCsvReader.SdnListId, File("sdn.csv", Sdn), File("alt.csv", Alt), File("add.csv", Add), File("sdn_comments.csv", Comments)).Value;

    [Fact]
    public void Read_QuotedCommasAndNulls_NamesAndTypes()
    {
        var list = Read();

        Assert.Equal(4, list.Entries.Count);
        var anglo = list.Entries.Single(e => e.EntryId == "173");
        Assert.Equal("ANGLO-CARIBBEAN CO., LTD.", anglo.PrimaryName);
        Assert.Equal(SanctionsEntryType.Entity, anglo.Type); // -0- type
        Assert.Null(anglo.Remarks); // -0- remarks
        Assert.Equal(["GB"], anglo.Countries);
        Assert.Equal(SanctionsEntryType.Vessel, list.Entries.Single(e => e.EntryId == "9999").Type);
        Assert.All(list.Entries, e => Assert.Equal("ofac_sdn", e.ListId));
    }

    [Fact]
    public void Read_Individual_AliasesProgramsAndRemarks()
    {
        var e = Read().Entries.Single(x => x.EntryId == "2674");

        Assert.Equal(SanctionsEntryType.Person, e.Type);
        Assert.Equal("HAMADEI, Ali Atwa", e.PrimaryName);
        Assert.Equal(["HAMADI, Ali", "ATWA, Ali"], e.Aliases);
        Assert.Equal(["ABU ALI"], e.WeakAliases);
        Assert.Equal(["SDGT", "IRGC"], e.Programs);
        Assert.Equal([ListedBirthDate.Exact(new DateOnly(1960, 3, 10)), ListedBirthDate.Year(1961)], e.BirthDates);
        Assert.Equal(["LB", "IR"], e.Nationalities);
        Assert.Contains("LB", e.Countries); // place of birth
        Assert.EndsWith("Linked To: HIZBALLAH.", e.Remarks, StringComparison.Ordinal); // continued in sdn_comments.csv
    }

    [Fact]
    public void Read_VesselFlagAndApproximateSpan_Kept()
    {
        var e = Read().Entries.Single(x => x.EntryId == "9999");

        Assert.Equal(["PA"], e.Countries);
        Assert.Equal([ListedBirthDate.Between(1958, 1962, approximate: true)], e.BirthDates);
    }

    [Theory]
    [InlineData("12 Jan 1960", "1960-01-12")]
    [InlineData("Jan 1960", "1960-01")]
    [InlineData("1960", "1960")]
    [InlineData("circa 1960", "circa 1960")]
    [InlineData("1958 to 1962", "1958 to 1962")]
    [InlineData("12 Jan 1958 to 12 Jan 1962", "1958 to 1962")]
    public void ParseDob_OfacForms_Understood(string text, string expected)
    {
        Assert.Equal(expected, OfacCsvReader.ParseDob(text)?.ToString());
    }

    [Fact]
    public void Read_SameFilesTwice_SameVersion_ChangedFile_NewVersion()
    {
        var a = Read().Version;
        var b = Read().Version;
        var changed = OfacCsvReader.Read(OfacCsvReader.SdnListId, File("sdn.csv", Sdn.Replace("CUBA", "CUBA2", StringComparison.Ordinal)), File("alt.csv", Alt), null, null).Value.Version;

        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{64}$", a.ContentHash);
        Assert.NotEqual(a.ContentHash, changed.ContentHash);
    }

    [Fact]
    public void Read_FileWithHeaderRow_MalformedError()
    {
        var r = OfacCsvReader.Read("ofac_sdn", File("sdn.csv", "ent_num,SDN_Name,SDN_Type\r\n36,\"X\",-0- \r\n"), null, null, null);

        Assert.False(r.IsOk);
        Assert.Equal("lists.malformed", r.Error!.Code);
    }

    [Fact]
    public void ReadSdnFolder_Testdata_AllEntriesAndAliases()
    {
        var list = OfacCsvReader.ReadSdnFolder(Path.Combine(Folder, "ofac_sdn_2021")).Value;

        Assert.Equal(8_976, list.Entries.Count);
        Assert.Equal(11_910, list.Entries.Sum(e => e.Aliases.Count) + DuplicateAliases(Path.Combine(Folder, "ofac_sdn_2021", "alt.csv")));
        Assert.True(list.Entries.Count(e => e.BirthDates.Count > 0) > 4_000);
        Assert.Null(list.Version.PublishedAt);
    }

    [Fact]
    public void ReadConsolidatedFolder_Testdata_AllEntries()
    {
        var list = OfacCsvReader.ReadConsolidatedFolder(Path.Combine(Folder, "ofac_consolidated")).Value;

        Assert.Equal(442, list.Entries.Count);
        var haniya = list.Entries.Single(e => e.EntryId == "9639");
        Assert.Equal("HANIYA, Ismail Abdul Salah", haniya.PrimaryName);
        Assert.Contains("HANIYYA, Ismaeel", haniya.Aliases);
        Assert.Equal([ListedBirthDate.Year(1962)], haniya.BirthDates);
    }

    // alt.csv rows that repeat an alias of the same entry are kept once.
    private static int DuplicateAliases(string altPath)
    {
        var rows = CsvRecords.Parse(System.IO.File.ReadAllText(altPath)).Where(r => r.Length >= 4).Select(r => (r[0].Trim(), r[3].Trim())).ToList();
        return rows.Count - rows.Distinct().Count();
    }
}
