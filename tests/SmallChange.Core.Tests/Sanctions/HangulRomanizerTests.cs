using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Compliance.Sanctions.Text;

namespace SmallChange.Core.Tests.Sanctions;

public class HangulRomanizerTests
{
    [Theory]
    [InlineData('가', 0, 0, 0)]
    [InlineData('김', 0, 20, 16)] // ㄱ ㅣ ㅁ
    [InlineData('힣', 18, 20, 27)] // the last syllable: ㅎ ㅣ ㅎ
    [InlineData('정', 12, 4, 21)] // ㅈ ㅓ ㅇ
    public void Jamo_Syllable_DecomposesArithmetically(char syllable, int initial, int medial, int final)
    {
        Assert.Equal((initial, medial, final), HangulRomanizer.Jamo(syllable));
    }

    [Theory]
    [InlineData("김", "gim")]
    [InlineData("정은", "jeongeun")]
    [InlineData("박지성", "bakjiseong")]
    [InlineData("최", "choe")]
    [InlineData("한국", "hanguk")]
    [InlineData("서울", "seoul")]
    [InlineData("이민호", "iminho")]
    [InlineData("곽", "gwak")]
    [InlineData("빛", "bit")] // final ㅊ is written t
    public void Romanize_Hangul_RevisedRomanization(string hangul, string expected)
    {
        Assert.Equal(expected, HangulRomanizer.Romanize(hangul));
    }

    [Theory]
    [InlineData("김", "kim", "gim")]
    [InlineData("이", "lee", "yi", "rhee", "ri")]
    [InlineData("박", "park", "pak", "bak")]
    [InlineData("최", "choi", "choe")]
    [InlineData("정", "jung", "jeong", "chung")]
    [InlineData("강", "kang", "gang")]
    [InlineData("조", "cho", "jo")]
    [InlineData("윤", "yoon", "yun")]
    [InlineData("장", "jang", "chang")]
    [InlineData("임", "lim", "im")]
    [InlineData("오", "oh", "o")]
    [InlineData("서", "seo", "suh")]
    [InlineData("신", "shin", "sin")]
    [InlineData("권", "kwon", "gwon")]
    [InlineData("안", "ahn", "an")]
    [InlineData("유", "yoo", "yu", "you")]
    [InlineData("전", "jeon", "jun", "chun")]
    [InlineData("고", "ko", "go")]
    [InlineData("문", "moon", "mun")]
    [InlineData("손", "son", "sohn")]
    [InlineData("배", "bae", "pae")]
    [InlineData("백", "baek", "paek")]
    [InlineData("허", "heo", "hur")]
    [InlineData("노", "noh", "roh", "no")]
    [InlineData("곽", "kwak", "gwak")]
    [InlineData("성", "sung", "seong")]
    [InlineData("주", "joo", "ju", "chu")]
    [InlineData("우", "woo", "u")]
    [InlineData("류", "ryu", "yoo", "yu")]
    [InlineData("진", "jin", "chin")]
    public void SurnameSpellings_CommonSurname_IncludesUsualVariants(string hangul, params string[] expected)
    {
        var spellings = HangulRomanizer.SurnameSpellings(hangul);

        Assert.NotNull(spellings);
        foreach (var e in expected)
        {
            Assert.Contains(e, spellings);
        }
    }

    [Fact]
    public void Normalize_KoreanName_SurnameThenOneTokenPerGivenSyllable()
    {
        var tokens = NameNormalizer.Normalize("김정은").Tokens;

        Assert.Equal(["gim", "jeong", "eun"], tokens.Select(t => t.Text));
        Assert.Contains("kim", tokens[0].Spellings);
        Assert.Contains("jong", tokens[1].Spellings); // McCune–Reischauer-style ŏ → o
        Assert.Contains("un", tokens[2].Spellings);
    }

    [Theory]
    [InlineData("김정은", "KIM JONG UN")]
    [InlineData("김 정은", "Kim Jong-un")]
    [InlineData("박지성", "PARK Ji Sung")]
    [InlineData("이민호", "LEE MIN HO")]
    [InlineData("최룡해", "CHOE Ryong Hae")]
    [InlineData("리영길", "RI Yong Gil")]
    [InlineData("정경택", "JONG Kyong Thaek")]
    public void Screen_HangulQuery_MatchesRomanisedListEntry(string hangul, string listed)
    {
        var screener = SanctionsTestData.Screener(SanctionsTestData.Person("1", listed), SanctionsTestData.Person("2", "KANG Sok Ju"));

        var result = screener.Screen(new ScreeningQuery(hangul));

        Assert.True(result.IsHit, $"{listed}: no match");
        Assert.Equal("1", result.Best!.Entry.EntryId);
    }
}
