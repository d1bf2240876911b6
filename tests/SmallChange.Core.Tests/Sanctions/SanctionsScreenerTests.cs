using SmallChange.Core.Compliance.Sanctions;
using static SmallChange.Core.Tests.Sanctions.SanctionsTestData;

namespace SmallChange.Core.Tests.Sanctions;

public class SanctionsScreenerTests
{
    private static readonly SanctionsScreener Screener = SanctionsTestData.Screener(
        Person("1", "ABDULHAI SALEK", dobs: [ListedBirthDate.Year(1965)], nationalities: ["AF"]),
        Person("2", "HASSAN DAHIR AWEYS", dobs: [ListedBirthDate.Exact(new DateOnly(1935, 1, 1))], nationalities: ["SO"]),
        Person("3", "JOHN ROBERT SMITH"),
        Person("4", "ABD AL-RAHMAN MUHAMMAD", aliases: ["Abdulrahman Muhammad Zafir"]),
        new SanctionsEntry("test", "5", null, SanctionsEntryType.Entity, "GREAT LAKES BUSINESS COMPANY", [], [], [], [], [], ["DRC"], null));

    [Fact]
    public void Screen_ExactName_ScoresOne()
    {
        var result = Screener.Screen(new ScreeningQuery("Hassan Dahir Aweys"));

        Assert.Equal("2", result.Best!.Entry.EntryId);
        Assert.Equal(1.0, result.Best.Score);
        Assert.True(result.Best.MatchedPrimary);
    }

    [Fact]
    public void Screen_ReorderedWithComma_SameScoreAsListOrder()
    {
        var inOrder = Screener.Screen(new ScreeningQuery("ABDULHAI SALEK")).Best!;
        var reordered = Screener.Screen(new ScreeningQuery("SALEK, ABDULHAI")).Best!;

        Assert.Equal(inOrder.Entry.EntryId, reordered.Entry.EntryId);
        Assert.Equal(inOrder.Score, reordered.Score);
    }

    [Theory]
    [InlineData("ABDULHIA SALEK")] // transposition
    [InlineData("ABDULHAI SALECK")] // insertion
    [InlineData("HASAN DAHIR AWEYS")] // doubled letter dropped
    public void Screen_Misspelled_StillMatchesAboveThreshold(string name)
    {
        var result = Screener.Screen(new ScreeningQuery(name));

        Assert.True(result.IsHit, name);
        Assert.True(result.Best!.Score is >= SanctionsScreenerOptions.RecommendedThreshold and < 1.0, $"{name}: {result.Best.Score}");
    }

    [Fact]
    public void Screen_TokenWrittenAsTwo_MatchesAsIfJoined()
    {
        var best = Screener.Screen(new ScreeningQuery("ABDUL HAI SALEK")).Best!;

        Assert.Equal("1", best.Entry.EntryId);
        Assert.Equal(1.0, best.Score);
    }

    [Fact]
    public void Screen_AliasWrittenTogether_MatchesAliasNotPrimary()
    {
        var best = Screener.Screen(new ScreeningQuery("ABDUL RAHMAN MUHAMMAD ZAFIR")).Best!;

        Assert.Equal("4", best.Entry.EntryId);
        Assert.False(best.MatchedPrimary);
        Assert.Equal("Abdulrahman Muhammad Zafir", best.MatchedName);
    }

    [Fact]
    public void Screen_Initials_MatchOnlyFromTheQuerySide()
    {
        var initials = Screener.Screen(new ScreeningQuery("J. R. Smith"), threshold: 0.5).Best;
        var listInitials = SanctionsTestData.Screener(Person("1", "J R S")).Screen(new ScreeningQuery("John Robert Smith"), threshold: 0.5);

        Assert.Equal("3", initials!.Entry.EntryId);
        Assert.False(listInitials.IsHit);
    }

    [Fact]
    public void Screen_MissingAndExtraTokens_LowerTheScore()
    {
        var full = Screener.Screen(new ScreeningQuery("JOHN ROBERT SMITH"), 0.3).Best!.Score;
        var missing = Screener.Screen(new ScreeningQuery("JOHN SMITH"), 0.3).Best!.Score;
        var extra = Screener.Screen(new ScreeningQuery("JOHN ROBERT SMITH WILLIAMS"), 0.3).Best!.Score;

        Assert.True(missing < full);
        Assert.True(extra < full);
        Assert.True(extra < missing, "an unmatched query token costs more than an unmatched list token");
    }

    [Fact]
    public void Screen_BirthDate_RaisesWhenListedAndLowersWhenFarApart()
    {
        double Score(PartialDate? dob) => Screener.Screen(new ScreeningQuery("HASAN DAHER AWAYS", dob), 0.3).Best!.Score;
        var none = Score(null);
        Assert.InRange(none, 0.5, 1 - SanctionsScreener.DobFullDateBonus);

        Assert.Equal(none + SanctionsScreener.DobFullDateBonus, Score(PartialDate.FromDate(new DateOnly(1935, 1, 1))), 6);
        Assert.Equal(none + SanctionsScreener.DobYearBonus, Score(PartialDate.Parse("1935-06").Value), 6);
        Assert.Equal(none, Score(PartialDate.Parse("1936").Value), 6);
        Assert.Equal(none - SanctionsScreener.DobMismatchPenalty, Score(PartialDate.Parse("1980-02-03").Value), 6);
    }

    [Fact]
    public void Screen_Nationality_RaisesWhenListedAndLowersOtherwise()
    {
        double Score(string? nationality) => Screener.Screen(new ScreeningQuery("ABDULHIA SALIK", null, nationality), 0.3).Best!.Score;
        var none = Score(null);
        Assert.InRange(none, 0.5, 1 - SanctionsScreener.NationalityBonus);

        Assert.Equal(none + SanctionsScreener.NationalityBonus, Score("Afghanistan"), 6);
        Assert.Equal(none + SanctionsScreener.NationalityBonus, Score("af"), 6);
        Assert.Equal(none - SanctionsScreener.NationalityMismatchPenalty, Score("FR"), 6);
    }

    [Fact]
    public void Screen_EntityWithDobAndNationality_NotAdjusted()
    {
        var plain = Screener.Screen(new ScreeningQuery("Great Lakes Business Company")).Best!;
        var withInfo = Screener.Screen(new ScreeningQuery("Great Lakes Business Company", PartialDate.Parse("1970").Value, "US")).Best!;

        Assert.Equal(plain.Score, withInfo.Score);
    }

    [Fact]
    public void Screen_Threshold_FiltersAndRanksBestFirst()
    {
        var screener = SanctionsTestData.Screener(Person("a", "MOHAMMED ALI HASSAN"), Person("b", "MOHAMMED ALI"), Person("c", "MOHAMMED HASSAN ALI KHAN"));

        var loose = screener.Screen(new ScreeningQuery("Mohammed Ali Hassan"), threshold: 0.5);
        var strict = screener.Screen(new ScreeningQuery("Mohammed Ali Hassan"), threshold: 0.99);

        Assert.Equal("a", loose.Matches[0].Entry.EntryId);
        Assert.True(loose.Matches.Zip(loose.Matches.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.All(loose.Matches, m => Assert.True(m.Score >= 0.5));
        Assert.Single(strict.Matches);
    }

    [Fact]
    public void Screen_UnrelatedName_NoMatch()
    {
        Assert.False(Screener.Screen(new ScreeningQuery("Patricia Lucas Wheeler")).IsHit);
        Assert.False(Screener.Screen(new ScreeningQuery("  ")).IsHit);
    }

    [Fact]
    public void Screen_Match_ExplainsWithoutTheQueryText()
    {
        var best = Screener.Screen(new ScreeningQuery("ABDULHIA SALEK", PartialDate.Parse("1965").Value, "AF")).Best!;

        Assert.Contains("2 of 2 query tokens matched (1 exact)", best.Explanation, StringComparison.Ordinal);
        Assert.Contains("birth year matches", best.Explanation, StringComparison.Ordinal);
        Assert.Contains("nationality matches", best.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("ABDULHIA", best.Explanation, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToString_QueryAndResult_RedactPersonalData()
    {
        var query = new ScreeningQuery("Jane Roe", PartialDate.Parse("1980-01-02").Value, "US");
        var result = Screener.Screen(query);

        foreach (var text in new[] { query.ToString(), result.ToString(), query.BirthDate!.Value.ToString() })
        {
            Assert.DoesNotContain("Jane", text, StringComparison.Ordinal);
            Assert.DoesNotContain("1980", text, StringComparison.Ordinal);
            Assert.DoesNotContain("US", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Constructor_ThresholdOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SanctionsScreener([List()], new SanctionsScreenerOptions { Threshold = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Screener.Screen(new ScreeningQuery("x"), threshold: 0));
    }

    [Fact]
    public void Constructor_WeakAliases_ScreenedOnlyWhenAsked()
    {
        var entry = new SanctionsEntry("test", "1", null, SanctionsEntryType.Person, "ABU BAKR AL-BAGHDADI", [], ["Ibrahim Awwad"], [], [], [], [], null);

        var off = new SanctionsScreener([List(entry)]).Screen(new ScreeningQuery("Ibrahim Awwad"));
        var on = new SanctionsScreener([List(entry)], new SanctionsScreenerOptions { IncludeWeakAliases = true }).Screen(new ScreeningQuery("Ibrahim Awwad"));

        Assert.False(off.IsHit);
        Assert.True(on.IsHit);
    }
}
