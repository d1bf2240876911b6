using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Tests.Sanctions;

public class ScreeningValuesTests
{
    [Theory]
    [InlineData("1965", 1965, null, null)]
    [InlineData("1965-04", 1965, 4, null)]
    [InlineData("1965-04-23", 1965, 4, 23)]
    [InlineData("1981-3-05", 1981, 3, 5)]
    [InlineData("1974-01-32", 1974, 1, null)] // no such day: the year and month stay
    [InlineData(" 2001-02-29 ", 2001, 2, null)]
    public void Parse_DateOfBirthText_KeepsWhatIsValid(string text, int year, int? month, int? day)
    {
        var d = PartialDate.Parse(text).Value;

        Assert.Equal((year, month, day), (d.Year, d.Month, d.Day));
    }

    [Theory]
    [InlineData("")]
    [InlineData("65")]
    [InlineData("abcd-01-01")]
    [InlineData("1700")]
    [InlineData("1965-04-23-01")]
    public void Parse_NotADate_ReturnsError(string text)
    {
        var r = PartialDate.Parse(text);

        Assert.False(r.IsOk);
        Assert.Equal("dob.invalid", r.Error!.Code);
    }

    [Theory]
    [InlineData("Iran (Islamic Republic of)", "IR")]
    [InlineData("Korea, North", "KP")]
    [InlineData("Democratic People's Republic of Korea", "KP")]
    [InlineData("Türkiye", "TR")]
    [InlineData("Congo, Democratic Republic of the", "CD")]
    [InlineData("Côte d'Ivoire", "CI")]
    [InlineData("kp", "KP")]
    [InlineData("United States of America", "US")]
    public void ToCode_ListCountryNames_IsoCode(string name, string code)
    {
        Assert.Equal(code, CountryNames.ToCode(name));
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData("Atlantis")]
    [InlineData(null)]
    public void ToCode_Unknown_Null(string? name)
    {
        Assert.Null(CountryNames.ToCode(name));
    }

    [Fact]
    public void CoversYear_ListedSpansAndApproximations_Covered()
    {
        Assert.True(ListedBirthDate.Between(1958, 1962).CoversYear(1960));
        Assert.False(ListedBirthDate.Between(1958, 1962).CoversYear(1963));
        Assert.True(ListedBirthDate.Year(1960, approximate: true).CoversYear(1961));
        Assert.False(ListedBirthDate.Year(1960).CoversYear(1961));
        Assert.Equal(3, ListedBirthDate.Year(1960).YearsApart(1957));
    }
}
