using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;
using static SmallChange.Adapters.Tests.Lists.ListsTestData;

namespace SmallChange.Adapters.Tests.Lists;

public class UnXmlReaderTests
{
    private const string Xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <CONSOLIDATED_LIST xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" dateGenerated="2026-02-27T00:00:09.554Z">
          <INDIVIDUALS>
            <INDIVIDUAL>
              <DATAID>2999481</DATAID>
              <FIRST_NAME>AYYUB</FIRST_NAME>
              <SECOND_NAME>BASHIR</SECOND_NAME>
              <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
              <REFERENCE_NUMBER>QDi.311</REFERENCE_NUMBER>
              <NAME_ORIGINAL_SCRIPT>ایوب بشیر</NAME_ORIGINAL_SCRIPT>
              <COMMENTS1>Head of finance.</COMMENTS1>
              <NATIONALITY><VALUE>Uzbekistan</VALUE><VALUE>Afghanistan</VALUE></NATIONALITY>
              <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Alhaj Qari Ayub Bashar</ALIAS_NAME></INDIVIDUAL_ALIAS>
              <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Qari</ALIAS_NAME></INDIVIDUAL_ALIAS>
              <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
              <INDIVIDUAL_ADDRESS><COUNTRY>Pakistan</COUNTRY></INDIVIDUAL_ADDRESS>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1966</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1964-05-02</DATE></INDIVIDUAL_DATE_OF_BIRTH>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1969</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1970</FROM_YEAR><TO_YEAR>1972</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
              <INDIVIDUAL_PLACE_OF_BIRTH><COUNTRY>Iran (Islamic Republic of)</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
            </INDIVIDUAL>
          </INDIVIDUALS>
          <ENTITIES>
            <ENTITY>
              <DATAID>6908026</DATAID>
              <FIRST_NAME>COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)</FIRST_NAME>
              <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
              <REFERENCE_NUMBER>CDe.003</REFERENCE_NUMBER>
              <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>CAGL</ALIAS_NAME></ENTITY_ALIAS>
              <ENTITY_ADDRESS><CITY>Goma</CITY><COUNTRY>Democratic Republic of the Congo</COUNTRY></ENTITY_ADDRESS>
            </ENTITY>
          </ENTITIES>
        </CONSOLIDATED_LIST>
        """;

    private static SanctionsList Read() => UnXmlReader.Read(File("un.xml", Xml)).Value;

    [Fact]
    public void Read_Individual_NamesAliasesDatesAndNationalities()
    {
        var e = Read().Entries.Single(x => x.EntryId == "2999481");

        Assert.Equal(SanctionsEntryType.Person, e.Type);
        Assert.Equal("AYYUB BASHIR", e.PrimaryName);
        Assert.Equal("QDi.311", e.Reference);
        Assert.Equal(["ایوب بشیر", "Alhaj Qari Ayub Bashar"], e.Aliases);
        Assert.Equal(["Qari"], e.WeakAliases);
        Assert.Equal(
            [ListedBirthDate.Year(1966), ListedBirthDate.Exact(new DateOnly(1964, 5, 2)), ListedBirthDate.Year(1969, approximate: true), ListedBirthDate.Between(1970, 1972)],
            e.BirthDates);
        Assert.Equal(["UZ", "AF"], e.Nationalities);
        Assert.Equal(["PK", "IR"], e.Countries);
        Assert.Equal(["Al-Qaida"], e.Programs);
        Assert.Equal("Head of finance.", e.Remarks);
    }

    [Fact]
    public void Read_EntityWithSeveralNames_FirstIsPrimaryOthersAliases()
    {
        var e = Read().Entries.Single(x => x.EntryId == "6908026");

        Assert.Equal(SanctionsEntryType.Entity, e.Type);
        Assert.Equal("COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)", e.PrimaryName);
        Assert.Equal(["GREAT LAKES BUSINESS COMPANY (GLBC)", "CAGL"], e.Aliases);
        Assert.Equal(["CD"], e.Countries);
    }

    [Fact]
    public void Read_DateGenerated_IsThePublicationTime()
    {
        Assert.Equal(new DateTimeOffset(2026, 2, 27, 0, 0, 9, 554, TimeSpan.Zero), Read().Version.PublishedAt);
    }

    [Fact]
    public void Read_Dtd_Refused()
    {
        var r = UnXmlReader.Read(File("un.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><CONSOLIDATED_LIST>&e;</CONSOLIDATED_LIST>"));

        Assert.Equal("lists.malformed", r.Error?.Code);
    }

    [Fact]
    public void Read_OtherRoot_Refused()
    {
        Assert.Equal("lists.malformed", UnXmlReader.Read(File("x.xml", "<OTHER/>")).Error?.Code);
    }

    [Fact]
    public void ReadFile_Testdata_AllIndividualsAndEntities()
    {
        var list = UnXmlReader.ReadFile(Path.Combine(Folder, "un", "UN_consolidated.xml")).Value;

        Assert.Equal(730, list.Entries.Count(e => e.Type == SanctionsEntryType.Person));
        Assert.Equal(273, list.Entries.Count(e => e.Type == SanctionsEntryType.Entity));
        Assert.True(list.Entries.Count(e => e.BirthDates.Count > 0) > 600);
        Assert.True(list.Entries.Count(e => e.Nationalities.Count > 0) > 550);
        Assert.Equal(2026, list.Version.PublishedAt?.Year);
    }
}
