using System.Collections.Frozen;
using System.Text;

namespace SmallChange.Core.Compliance.Sanctions.Text;

/// <summary>
/// Romanises Korean names written in Hangul, so they can be matched against list entries written in Latin letters.
/// A syllable (U+AC00–U+D7A3) is split arithmetically into its initial, medial and final jamo
/// (<c>index = (initial × 21 + medial) × 28 + final</c>) and each jamo is written in the Revised Romanization of
/// Korean. Names are romanised syllable by syllable (no sound-change rules across syllables, as for personal names).
/// The family name (first syllable, or a known two-syllable surname) gets the usual spellings — Kim/Gim,
/// Lee/Yi/Rhee/Ri, Park/Pak/Bak, Choi/Choe … — and each given-name syllable the common McCune–Reischauer-style and
/// informal variants (eo → o/u, eu → u, initial g/d/b/j → k/t/p/ch), since lists (North Korean entries in particular)
/// rarely use Revised Romanization.
/// </summary>
public static class HangulRomanizer
{
    private const int SyllableBase = 0xAC00;
    private const int SyllableLast = 0xD7A3;

    private static readonly string[] Initials =
        ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"];

    private static readonly string[] Medials =
    [
        "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
    ];

    private static readonly string[] Finals =
    [
        "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
    ];

    /// <summary>Family names and their usual Latin spellings; the first is the Revised Romanization.</summary>
    private static readonly FrozenDictionary<string, string[]> Surnames = new Dictionary<string, string[]>
    {
        ["김"] = ["gim", "kim"], ["이"] = ["i", "lee", "yi", "rhee", "ri", "rhie", "yee"], ["박"] = ["bak", "park", "pak"],
        ["최"] = ["choe", "choi", "chwe"], ["정"] = ["jeong", "jung", "chung", "jong", "chong"], ["강"] = ["gang", "kang"],
        ["조"] = ["jo", "cho", "joe"], ["윤"] = ["yun", "yoon"], ["장"] = ["jang", "chang"], ["임"] = ["im", "lim", "rim"],
        ["한"] = ["han"], ["오"] = ["o", "oh"], ["서"] = ["seo", "suh", "so", "sur"], ["신"] = ["sin", "shin"],
        ["권"] = ["gwon", "kwon", "kweon"], ["황"] = ["hwang"], ["안"] = ["an", "ahn"], ["송"] = ["song"],
        ["유"] = ["yu", "yoo", "you", "ryu"], ["류"] = ["ryu", "yoo", "yu", "ryoo", "rhyu"], ["홍"] = ["hong"],
        ["전"] = ["jeon", "jun", "chun", "jon", "chon"], ["고"] = ["go", "ko", "koh"], ["문"] = ["mun", "moon"],
        ["양"] = ["yang", "ryang"], ["손"] = ["son", "sohn"], ["배"] = ["bae", "pae"], ["백"] = ["baek", "paek", "baik", "paik"],
        ["허"] = ["heo", "hur", "huh", "ho"], ["남"] = ["nam"], ["노"] = ["no", "noh", "roh", "ro"], ["하"] = ["ha"],
        ["곽"] = ["gwak", "kwak"], ["성"] = ["seong", "sung", "song"], ["차"] = ["cha"], ["주"] = ["ju", "joo", "chu", "choo"],
        ["우"] = ["u", "woo", "wu"], ["민"] = ["min"], ["진"] = ["jin", "chin"], ["구"] = ["gu", "koo", "ku"],
        ["나"] = ["na", "ra"], ["심"] = ["sim", "shim"], ["원"] = ["won"], ["지"] = ["ji", "chi"], ["엄"] = ["eom", "um", "uhm"],
        ["채"] = ["chae"], ["천"] = ["cheon", "chun", "chon"], ["방"] = ["bang", "pang"], ["공"] = ["gong", "kong"],
        ["현"] = ["hyeon", "hyun", "hyon"], ["변"] = ["byeon", "byun", "pyon"], ["염"] = ["yeom", "yum", "yom"],
        ["여"] = ["yeo", "yo", "yu"], ["추"] = ["chu", "choo"], ["도"] = ["do", "to"], ["소"] = ["so"],
        ["석"] = ["seok", "suk", "sok"], ["선"] = ["seon", "sun", "son"], ["설"] = ["seol", "sul", "sol"], ["마"] = ["ma"],
        ["길"] = ["gil", "kil"], ["연"] = ["yeon", "yun", "yon"], ["위"] = ["wi", "wee"], ["표"] = ["pyo"],
        ["명"] = ["myeong", "myung", "myong"], ["기"] = ["gi", "ki"], ["반"] = ["ban", "pan"], ["왕"] = ["wang"],
        ["금"] = ["geum", "keum", "kum"], ["옥"] = ["ok"], ["육"] = ["yuk"], ["인"] = ["in"], ["맹"] = ["maeng"],
        ["제"] = ["je", "che"], ["모"] = ["mo"], ["탁"] = ["tak"], ["국"] = ["guk", "kook", "kuk"], ["어"] = ["eo", "o"],
        ["은"] = ["eun", "un"], ["편"] = ["pyeon", "pyun", "pyon"], ["용"] = ["yong", "ryong"], ["예"] = ["ye"],
        ["경"] = ["gyeong", "kyung", "kyong"], ["봉"] = ["bong", "pong"], ["사"] = ["sa"], ["부"] = ["bu", "boo", "pu"],
        ["가"] = ["ga", "ka"], ["복"] = ["bok", "pok"], ["태"] = ["tae"], ["목"] = ["mok"], ["형"] = ["hyeong", "hyung", "hyong"],
        ["피"] = ["pi", "pee"], ["두"] = ["du", "doo", "tu"], ["감"] = ["gam", "kam"], ["호"] = ["ho"], ["계"] = ["gye", "kye"],
        ["리"] = ["ri", "lee", "yi", "rhee"], ["림"] = ["rim", "lim", "im"], ["로"] = ["ro", "roh", "no"], ["량"] = ["ryang", "yang"],
        ["렴"] = ["ryom", "yeom"], ["려"] = ["ryo", "yeo"], ["라"] = ["ra", "na"], ["륙"] = ["ryuk", "yuk"],
        ["제갈"] = ["jegal", "chegal"], ["남궁"] = ["namgung", "namkung"], ["황보"] = ["hwangbo"], ["선우"] = ["seonu", "sunwoo", "sonu"],
        ["독고"] = ["dokgo", "tokko"], ["사공"] = ["sagong", "sakong"], ["서문"] = ["seomun", "somun"], ["동방"] = ["dongbang", "tongbang"],
    }.ToFrozenDictionary();

    /// <summary>Given-name syllables whose informal spelling is not produced by the rules below.</summary>
    private static readonly FrozenDictionary<string, string[]> SyllableExtras = new Dictionary<string, string[]>
    {
        ["희"] = ["hee", "hi"], ["의"] = ["eui", "ui", "i"], ["이"] = ["lee", "yi"], ["우"] = ["woo"], ["수"] = ["soo"],
        ["주"] = ["joo"], ["구"] = ["koo"], ["순"] = ["soon"], ["숙"] = ["sook"], ["국"] = ["kook"], ["영"] = ["young"],
        ["시"] = ["shi"], ["신"] = ["shin"], ["식"] = ["shik"], ["실"] = ["shil"], ["심"] = ["shim"], ["석"] = ["suk"],
        ["철"] = ["chul"], ["혁"] = ["hyuk"], ["명"] = ["myung"], ["경"] = ["kyung"], ["현"] = ["hyun"], ["연"] = ["yun"],
        ["정"] = ["jung", "chung"], ["성"] = ["sung"], ["선"] = ["sun"], ["은"] = ["eun", "un"], ["근"] = ["keun", "kun"],
        ["용"] = ["ryong"], ["룡"] = ["ryong", "yong"], ["렬"] = ["ryol", "yeol"], ["련"] = ["ryon", "yeon"], ["례"] = ["rye", "ye"],
        ["락"] = ["rak", "nak"], ["란"] = ["ran", "nan"], ["림"] = ["rim"], ["리"] = ["ri"],
    }.ToFrozenDictionary();

    public static bool IsHangulSyllable(char c) => c is >= (char)SyllableBase and <= (char)SyllableLast;

    /// <summary>The Revised Romanization of one syllable (e.g. 김 → <c>gim</c>, 정 → <c>jeong</c>).</summary>
    public static string Syllable(char syllable)
    {
        var (l, v, t) = Jamo(syllable);
        return Initials[l] + Medials[v] + Finals[t];
    }

    /// <summary>The Revised Romanization of a word, syllable by syllable (김정은 → <c>gimjeongeun</c>); other characters are kept.</summary>
    public static string Romanize(string text)
    {
        var sb = new StringBuilder(text.Length * 3);
        foreach (var c in text)
        {
            sb.Append(IsHangulSyllable(c) ? Syllable(c) : c);
        }

        return sb.ToString();
    }

    /// <summary>Initial, medial and final jamo indexes of a syllable (final 0 = none).</summary>
    public static (int Initial, int Medial, int Final) Jamo(char syllable)
    {
        if (!IsHangulSyllable(syllable))
        {
            throw new ArgumentOutOfRangeException(nameof(syllable), "Not a precomposed Hangul syllable.");
        }

        var s = syllable - SyllableBase;
        return (s / (21 * 28), s % (21 * 28) / 28, s % 28);
    }

    /// <summary>The usual Latin spellings of a family name written in Hangul (first = Revised Romanization), or null if unknown.</summary>
    public static IReadOnlyList<string>? SurnameSpellings(string hangulSurname) =>
        Surnames.TryGetValue(hangulSurname, out var s) ? s : null;

    /// <summary>
    /// A Korean name in Hangul as name tokens, each with its alternative spellings (first = Revised Romanization).
    /// <paramref name="words"/> are the name's words as written (e.g. <c>["김정은"]</c> or <c>["김", "정은"]</c>).
    /// The family name comes first, as Koreans write it; each given-name syllable becomes its own token
    /// (lists write <c>KIM JONG UN</c>, <c>Kim Jong-un</c>; the scorer joins adjacent tokens when a list does not).
    /// </summary>
    internal static List<string[]> NameTokens(IReadOnlyList<string> words)
    {
        var tokens = new List<string[]>();
        for (var w = 0; w < words.Count; w++)
        {
            var word = words[w];
            var start = 0;
            if (w == 0 || (word.Length == 1 && Surnames.ContainsKey(word)))
            {
                // Family name: a known two-syllable surname, else the first syllable.
                var len = word.Length >= 3 && Surnames.ContainsKey(word[..2]) ? 2 : 1;
                if (word.Length == 2 && Surnames.ContainsKey(word) && w == 0 && words.Count > 1)
                {
                    len = 2;
                }

                var surname = word[..len];
                tokens.Add(Surnames.TryGetValue(surname, out var known) ? known : SyllableVariants(surname));
                start = len;
            }

            for (var i = start; i < word.Length; i++)
            {
                tokens.Add(SyllableVariants(word[i].ToString()));
            }
        }

        return tokens;
    }

    /// <summary>Spellings of a given-name syllable: Revised Romanization, then McCune–Reischauer-style and informal forms.</summary>
    internal static string[] SyllableVariants(string syllables)
    {
        var rr = Romanize(syllables);
        var variants = new List<string>(6) { rr };
        void Add(string v)
        {
            if (v.Length > 0 && !variants.Contains(v) && variants.Count < 8)
            {
                variants.Add(v);
            }
        }

        if (syllables.Length == 1 && SyllableExtras.TryGetValue(syllables, out var extras))
        {
            foreach (var e in extras)
            {
                Add(e);
            }
        }

        // Vowels: eo is o (McCune–Reischauer ŏ) or u in informal spelling; eu is u; oe is oi.
        var vowel = rr.Replace("eo", "o", StringComparison.Ordinal).Replace("eu", "u", StringComparison.Ordinal);
        Add(vowel);
        Add(rr.Replace("eo", "u", StringComparison.Ordinal).Replace("eu", "u", StringComparison.Ordinal));
        // Initial consonants: McCune–Reischauer writes plain g, d, b, j as k, t, p, ch at the start of a syllable.
        if (rr.Length > 1)
        {
            var first = rr[0] switch { 'g' => "k", 'd' => "t", 'b' => "p", 'j' => "ch", _ => null };
            if (first is not null)
            {
                Add(first + vowel[1..]);
            }

            if (rr.StartsWith("s", StringComparison.Ordinal) && rr.Length > 1 && rr[1] is 'i' or 'y' or 'w')
            {
                Add("sh" + vowel[1..]);
            }
        }

        return [.. variants];
    }
}
