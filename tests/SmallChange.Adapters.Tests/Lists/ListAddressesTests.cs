using SmallChange.Adapters.Lists;

namespace SmallChange.Adapters.Tests.Lists;

/// <summary>The readers keep every address of an entry as a line, for officers reviewing a hit.</summary>
public class ListAddressesTests
{
    [Fact]
    public void ReadSdnFolder_EntryWithAddress_KeepsTheLineAsPublished()
    {
        var sdn = OfacCsvReader.ReadSdnFolder(Path.Combine(ListsTestData.Folder, "ofac_sdn_2021")).Value;

        var entry = sdn.Entries.Single(e => e.EntryId == "173");
        Assert.Contains("Ibex House, The Minories, London EC3N 1DY, United Kingdom", entry.Addresses);
        Assert.Contains("GB", entry.Countries);
        Assert.True(sdn.Entries.Count(e => e.Addresses.Count > 0) > 5_000);
    }

    [Fact]
    public void Read_OfacWithoutAddressFile_NoAddresses()
    {
        var primary = ListsTestData.File("sdn.csv", "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n");

        var entry = Assert.Single(OfacCsvReader.Read(OfacCsvReader.SdnListId, primary, null, null, null).Value.Entries);

        Assert.Empty(entry.Addresses);
    }

    [Fact]
    public void ReadUnFile_IndividualAddress_JoinsPartsInOrder()
    {
        var xml = """
            <CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.177Z"><INDIVIDUALS><INDIVIDUAL>
              <DATAID>1</DATAID><FIRST_NAME>ALPHA</FIRST_NAME><SECOND_NAME>BETA</SECOND_NAME><UN_LIST_TYPE>DRC</UN_LIST_TYPE>
              <INDIVIDUAL_ADDRESS><CITY>Kinshasa</CITY><COUNTRY>Democratic Republic of the Congo</COUNTRY><NOTE>as of June 2016</NOTE></INDIVIDUAL_ADDRESS>
              <INDIVIDUAL_ADDRESS><STREET>1 Rue X</STREET><CITY>Goma</CITY><STATE_PROVINCE>North Kivu</STATE_PROVINCE><ZIP_CODE>123</ZIP_CODE></INDIVIDUAL_ADDRESS>
              <INDIVIDUAL_ADDRESS/>
            </INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
            """;

        var entry = Assert.Single(UnXmlReader.Read(ListsTestData.File("un.xml", xml)).Value.Entries);

        Assert.Equal(["Kinshasa, Democratic Republic of the Congo, as of June 2016", "1 Rue X, Goma, North Kivu, 123"], entry.Addresses);
    }
}
