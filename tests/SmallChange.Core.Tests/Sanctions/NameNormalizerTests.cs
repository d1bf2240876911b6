using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Tests.Sanctions;

public class NameNormalizerTests
{
    [Theory]
    [InlineData("José  Álvarez-Núñez", "jose alvarez nunez")] // diacritics dropped, hyphen splits, spaces collapse
    [InlineData("ＫＩＭ　Ｊｏｎｇ", "kim jong")] // NFKC: full-width letters and ideographic space
    [InlineData("ﬁrst Ⅻ", "first xii")] // NFKC: ligature and Roman numeral
    [InlineData("STRAẞE İSTANBUL", "strasse istanbul")] // case folding beyond simple lower-casing
    [InlineData("Ørsted Łukasz Đorđe Æsir", "orsted lukasz dorde aesir")] // letters without a decomposition
    [InlineData("NU'MAN SA’D ‘ABD", "numan sad abd")] // apostrophes and ʿayn marks join
    [InlineData("HANIYA, Ismail (Abu Al-Abd); Jr.", "haniya ismail abu al abd jr")] // punctuation breaks words
    [InlineData("  \t ", "")]
    public void Key_LatinScript_FoldsCaseDiacriticsAndPunctuation(string name, string expected)
    {
        Assert.Equal(expected, NameNormalizer.Key(name));
    }

    [Theory]
    [InlineData("Владимир Путин", "vladimir putin")]
    [InlineData("Дмитрий Медведев", "dmitriy medvedev")]
    [InlineData("Юлия Щербакова", "yuliya shcherbakova")]
    [InlineData("Νικόλαος", "nikolaos")]
    [InlineData("محمد علي", "muhammad ali")]
    [InlineData("أحمد حسن", "ahmad hasan")]
    public void Key_OtherScripts_Transliterated(string name, string expected)
    {
        Assert.Equal(expected, NameNormalizer.Key(name));
    }

    [Fact]
    public void Normalize_CyrillicName_OffersCommonLatinSpellings()
    {
        var tokens = NameNormalizer.Normalize("Дмитрий Александр").Tokens;

        Assert.Contains("dmitry", tokens[0].Spellings);
        Assert.Contains("alexander", tokens[1].Spellings);
    }

    [Fact]
    public void Normalize_SameNameDifferentForms_SameKey()
    {
        var forms = new[] { "Kim Jong-un", "KIM, Jong Un", "kim   jong un", "Kim Jong Un." };

        Assert.Single(forms.Select(NameNormalizer.Key).Distinct());
    }

    [Fact]
    public void ToString_NormalizedName_RedactsTheName()
    {
        var n = NameNormalizer.Normalize("Jane Roe");

        Assert.DoesNotContain("jane", n.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("jane", n.Tokens[0].ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
