using SmallChange.Adapters.Lists;
using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Adapters.Tests.Lists;

public class SanctionsListFolderTests
{
    [Fact]
    public void Load_Testdata_ThreeListsOnce()
    {
        var lists = SanctionsListFolder.Load(ListsTestData.Folder).Value;

        Assert.Equal(["ofac_cons", "ofac_sdn", "un"], lists.Select(l => l.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_MissingOrEmptyFolder_NotFound()
    {
        var empty = Directory.CreateTempSubdirectory("lists-");
        try
        {
            Assert.Equal("lists.not_found", SanctionsListFolder.Load(Path.Combine(empty.FullName, "nope")).Error?.Code);
            Assert.Equal("lists.not_found", SanctionsListFolder.Load(empty.FullName).Error?.Code);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Screen_RealLists_FindsListedPeopleAndSameTopMatchAsNaiveScan()
    {
        var screener = new SanctionsScreener(SanctionsListFolder.Load(ListsTestData.Folder).Value);
        var queries = new[]
        {
            ("ABDUL RAHMAN AHMAD HOTTAK", "un:111109"),
            ("Hottak, Abdul Rahman Ahmed", "un:111109"),
            ("Ismaeel Haniyya", "ofac_cons:9639"),
            ("Ali Atwa Hamadei", null),
            ("김정은", null),
            ("Patricia Lucas Wheeler", null),
        };

        foreach (var (name, expected) in queries)
        {
            var fast = screener.Screen(new ScreeningQuery(name));
            var slow = screener.NaiveScan(new ScreeningQuery(name));
            if (expected is not null)
            {
                Assert.Equal(expected, fast.Best?.Entry.Key);
            }

            Assert.Equal(slow.Best?.Entry.Key, fast.Best?.Entry.Key);
            Assert.Equal(slow.Best?.Score, fast.Best?.Score);
        }
    }
}
