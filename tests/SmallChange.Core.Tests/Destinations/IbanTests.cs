using System.Globalization;
using System.Numerics;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Tests.Destinations;

public class IbanTests
{
    [Theory]
    [InlineData("GB82WEST12345698765432", "GB82WEST12345698765432")]
    [InlineData("DE89370400440532013000", "DE89370400440532013000")]
    [InlineData("FR1420041010050500013M02606", "FR1420041010050500013M02606")]
    [InlineData("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432")]
    [InlineData("  de89 3704 0044 0532 0130 00 ", "DE89370400440532013000")]
    public void Validate_PublishedIban_ReturnsCompactUpperCaseIban(string input, string expected)
    {
        var destination = Dest.Ok(Dest.Iban(input));

        Assert.Equal(DestinationKind.BankAccount, destination.Kind);
        Assert.Equal(DestinationSubTypes.Iban, destination.SubType);
        Assert.Equal(expected, destination.NormalizedValue);
        Assert.Equal($"•••• {expected[^4..]}", destination.Masked);
        Assert.Null(destination.Institution);
        Assert.Equal(Dest.Holder, destination.AccountHolderName);
    }

    [Theory]
    [InlineData("GB82WEST12345698765433")]
    [InlineData("GB82WEST12345698765422")]
    [InlineData("GB83WEST12345698765432")]
    [InlineData("DE89370400440532013001")]
    [InlineData("DE89370400440532031000")] // two digits transposed
    [InlineData("FR1420041010050500013M02607")]
    [InlineData("FR1420041010050500013N02606")]
    public void Validate_IbanWithOneCharacterChanged_FailsIbanChecksum(string iban)
    {
        var error = Dest.Fail(Dest.Iban(iban));

        Dest.AssertError(error, DestinationErrorCodes.IbanChecksum, DestinationFields.Iban);
        Assert.DoesNotContain(iban, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DE8937040044053201300")]
    [InlineData("DE893704004405320130000")]
    [InlineData("GB82WEST1234569876543")]
    public void Validate_IbanOfWrongLengthForCountry_FailsIbanLength(string iban)
    {
        Dest.AssertError(Dest.Fail(Dest.Iban(iban)), DestinationErrorCodes.IbanLength, DestinationFields.Iban);
    }

    [Theory]
    [InlineData("US12345678901234567890")]
    [InlineData("KR12345678901234567890")]
    [InlineData("XX89370400440532013000")]
    public void Validate_IbanCountryNotInRegistry_FailsIbanCountry(string iban)
    {
        Dest.AssertError(Dest.Fail(Dest.Iban(iban, country: "DE")), DestinationErrorCodes.IbanCountry, DestinationFields.Iban);
    }

    [Theory]
    [InlineData("DE89-3704-0044-0532-0130-00")]
    [InlineData("DE89.370400440532013000")]
    [InlineData("DE89370400440532013ı00")] // dotless i upper-cases to ASCII I: must not sneak through
    [InlineData("D189370400440532013000")]
    [InlineData("DEA9370400440532013000")]
    [InlineData("DE")]
    public void Validate_IbanWithBadCharactersOrPrefix_FailsIbanFormat(string iban)
    {
        Dest.AssertError(Dest.Fail(Dest.Iban(iban, country: "DE")), DestinationErrorCodes.IbanFormat, DestinationFields.Iban);
    }

    [Fact]
    public void Validate_CheckDigits01ThatPassMod97_FailsIbanChecksum()
    {
        // Check digits 98 and 01 leave the same remainder mod 97; ISO 13616 only issues 02–98.
        var withNinetyEight = FindIbanWithCheckDigits("DE", "370400440", 9, "98");
        Assert.True(Iban.Normalize(withNinetyEight).IsOk);

        var withZeroOne = "DE01" + withNinetyEight[4..];
        Assert.Equal(1, Iban.Mod97(withZeroOne));

        Dest.AssertError(Dest.Fail(Dest.Iban(withZeroOne)), DestinationErrorCodes.IbanChecksum, DestinationFields.Iban);
    }

    // Examples from the SWIFT IBAN registry.
    [Theory]
    [InlineData("AD12 0001 2030 2003 5910 0100")]
    [InlineData("AE07 0331 2345 6789 0123 456")]
    [InlineData("AL47 2121 1009 0000 0002 3569 8741")]
    [InlineData("AT61 1904 3002 3457 3201")]
    [InlineData("AZ21 NABZ 0000 0000 1370 1000 1944")]
    [InlineData("BA39 1290 0794 0102 8494")]
    [InlineData("BE68 5390 0754 7034")]
    [InlineData("BG80 BNBG 9661 1020 3456 78")]
    [InlineData("BH67 BMAG 0000 1299 1234 56")]
    [InlineData("BI42 1000 0100 0100 0033 2045 181")]
    [InlineData("BR18 0036 0305 0000 1000 9795 493C 1")]
    [InlineData("BY13 NBRB 3600 9000 0000 2Z00 AB00")]
    [InlineData("CH93 0076 2011 6238 5295 7")]
    [InlineData("CR05 0152 0200 1026 2840 66")]
    [InlineData("CY17 0020 0128 0000 0012 0052 7600")]
    [InlineData("CZ65 0800 0000 1920 0014 5399")]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("DK50 0040 0440 1162 43")]
    [InlineData("DO28 BAGR 0000 0001 2124 5361 1324")]
    [InlineData("EE38 2200 2210 2014 5685")]
    [InlineData("EG38 0019 0005 0000 0000 2631 8000 2")]
    [InlineData("ES91 2100 0418 4502 0005 1332")]
    [InlineData("FI21 1234 5600 0007 85")]
    [InlineData("FO62 6460 0001 6316 34")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("GB29 NWBK 6016 1331 9268 19")]
    [InlineData("GE29 NB00 0000 0101 9049 17")]
    [InlineData("GI75 NWBK 0000 0000 7099 453")]
    [InlineData("GL89 6471 0001 0002 06")]
    [InlineData("GR16 0110 1250 0000 0001 2300 695")]
    [InlineData("GT82 TRAJ 0102 0000 0012 1002 9690")]
    [InlineData("HR12 1001 0051 8630 0016 0")]
    [InlineData("HU42 1177 3016 1111 1018 0000 0000")]
    [InlineData("IE29 AIBK 9311 5212 3456 78")]
    [InlineData("IL62 0108 0000 0009 9999 999")]
    [InlineData("IQ98 NBIQ 8501 2345 6789 012")]
    [InlineData("IS14 0159 2600 7654 5510 7303 39")]
    [InlineData("IT60 X054 2811 1010 0000 0123 456")]
    [InlineData("JO94 CBJO 0010 0000 0000 0131 0003 02")]
    [InlineData("KW81 CBKU 0000 0000 0000 1234 5601 01")]
    [InlineData("KZ86 125K ZT50 0410 0100")]
    [InlineData("LB62 0999 0000 0001 0019 0122 9114")]
    [InlineData("LC55 HEMM 0001 0001 0012 0012 0002 3015")]
    [InlineData("LI21 0881 0000 2324 013A A")]
    [InlineData("LT12 1000 0111 0100 1000")]
    [InlineData("LU28 0019 4006 4475 0000")]
    [InlineData("LV80 BANK 0000 4351 9500 1")]
    [InlineData("LY83 0020 4800 0020 1001 2036 1")]
    [InlineData("MC58 1122 2000 0101 2345 6789 030")]
    [InlineData("MD24 AG00 0225 1000 1310 4168")]
    [InlineData("ME25 5050 0001 2345 6789 51")]
    [InlineData("MK07 2501 2000 0058 984")]
    [InlineData("MR13 0002 0001 0100 0012 3456 753")]
    [InlineData("MT84 MALT 0110 0001 2345 MTLC AST0 01S")]
    [InlineData("MU17 BOMM 0101 1010 3030 0200 000M UR")]
    [InlineData("NL91 ABNA 0417 1643 00")]
    [InlineData("NO93 8601 1117 947")]
    [InlineData("PK36 SCBL 0000 0011 2345 6702")]
    [InlineData("PL61 1090 1014 0000 0712 1981 2874")]
    [InlineData("PS92 PALS 0000 0000 0400 1234 5670 2")]
    [InlineData("PT50 0002 0123 1234 5678 9015 4")]
    [InlineData("QA58 DOHB 0000 1234 5678 90AB CDEF G")]
    [InlineData("RO49 AAAA 1B31 0075 9384 0000")]
    [InlineData("RS35 2600 0560 1001 6113 79")]
    [InlineData("SA03 8000 0000 6080 1016 7519")]
    [InlineData("SC18 SSCB 1101 0000 0000 0000 1497 USD")]
    [InlineData("SD21 2901 0501 2340 01")]
    [InlineData("SE45 5000 0000 0583 9825 7466")]
    [InlineData("SI56 2633 0001 2039 086")]
    [InlineData("SK31 1200 0000 1987 4263 7541")]
    [InlineData("SM86 U032 2509 8000 0000 0270 100")]
    [InlineData("ST23 0001 0001 0051 8453 1014 6")]
    [InlineData("SV62 CENR 0000 0000 0000 0070 0025")]
    [InlineData("TL38 0080 0123 4567 8910 157")]
    [InlineData("TN59 1000 6035 1835 9847 8831")]
    [InlineData("TR33 0006 1005 1978 6457 8413 26")]
    [InlineData("UA21 3223 1300 0002 6007 2335 6600 1")]
    [InlineData("VA59 0011 2300 0012 3456 78")]
    [InlineData("VG96 VPVG 0000 0123 4567 8901")]
    [InlineData("XK05 1212 0123 4567 8906")]
    public void Validate_RegistryExample_Succeeds(string iban)
    {
        var destination = Dest.Ok(Dest.Iban(iban));

        Assert.Equal(iban.Replace(" ", string.Empty, StringComparison.Ordinal), destination.NormalizedValue);
    }

    [Fact]
    public void Normalize_EveryRegistryCountry_AcceptsItsLengthAndRejectsOneMoreOrLess()
    {
        foreach (var (country, length) in Iban.Lengths)
        {
            var exact = FindIbanWithCheckDigits(country, new string('0', length - 5), 1, checkDigits: null);
            Assert.True(Iban.Normalize(exact).IsOk, country);

            var tooShort = FindIbanWithCheckDigits(country, new string('0', length - 6), 1, checkDigits: null);
            Assert.Equal(DestinationErrorCodes.IbanLength, Iban.Normalize(tooShort).Error?.Code);

            var tooLong = FindIbanWithCheckDigits(country, new string('0', length - 4), 1, checkDigits: null);
            Assert.Equal(DestinationErrorCodes.IbanLength, Iban.Normalize(tooLong).Error?.Code);
        }
    }

    [Theory]
    [InlineData("AT")] [InlineData("BE")] [InlineData("BG")] [InlineData("HR")] [InlineData("CY")] [InlineData("CZ")]
    [InlineData("DK")] [InlineData("EE")] [InlineData("FI")] [InlineData("FR")] [InlineData("DE")] [InlineData("GR")]
    [InlineData("HU")] [InlineData("IE")] [InlineData("IT")] [InlineData("LV")] [InlineData("LT")] [InlineData("LU")]
    [InlineData("MT")] [InlineData("NL")] [InlineData("PL")] [InlineData("PT")] [InlineData("RO")] [InlineData("SK")]
    [InlineData("SI")] [InlineData("ES")] [InlineData("SE")] [InlineData("IS")] [InlineData("LI")] [InlineData("NO")]
    [InlineData("GB")] [InlineData("CH")]
    public void Lengths_EuEeaGbAndCh_AreCovered(string country)
    {
        Assert.True(Iban.Lengths.ContainsKey(country));
    }

    [Fact]
    public void Lengths_EveryRegistryCountry_IsAKnownCountryCode()
    {
        Assert.All(Iban.Lengths.Keys, country => Assert.True(CountryCodes.All.Contains(country), country));
    }

    [Theory]
    [InlineData("DEUTDEFF", "DEUTDEFF")]
    [InlineData("deutdeff500", "DEUTDEFF500")]
    [InlineData("NWBK GB 2L", "NWBKGB2L")]
    public void Validate_IbanWithValidBic_ReturnsUpperCaseBic(string bic, string expected)
    {
        var destination = Dest.Ok(Dest.Iban("DE89370400440532013000", bic: bic));

        Assert.Equal(expected, destination.Bic);
    }

    [Theory]
    [InlineData("DEUTDEF")]
    [InlineData("DEUTDEFF5")]
    [InlineData("DEU1DEFF")]
    [InlineData("DEUTZZFF")]
    [InlineData("DEUT-DEFF")]
    public void Validate_IbanWithMalformedBic_FailsBic(string bic)
    {
        Dest.AssertError(Dest.Fail(Dest.Iban("DE89370400440532013000", bic: bic)), DestinationErrorCodes.Bic, DestinationFields.Bic);
    }

    [Fact]
    public void Validate_IbanWithOtherDeclaredCountry_FailsCountryMismatch()
    {
        Dest.AssertError(Dest.Fail(Dest.Iban("DE89370400440532013000", country: "FR")), DestinationErrorCodes.CountryMismatch, DestinationFields.Country);
    }

    [Theory]
    [InlineData("RE")]
    [InlineData("gp")]
    public void Validate_FrenchIbanHeldInFrenchOverseasTerritory_Succeeds(string country)
    {
        var destination = Dest.Ok(Dest.Iban("FR1420041010050500013M02606", country: country));

        Assert.Equal(country.ToUpperInvariant(), destination.Country);
    }

    [Fact]
    public void Validate_IbanWithAccountNumberToo_FailsUnexpectedField()
    {
        var input = Dest.Iban("DE89370400440532013000") with { AccountNumber = "0532013000" };

        Dest.AssertError(Dest.Fail(input), DestinationErrorCodes.UnexpectedField, DestinationFields.AccountNumber);
    }

    /// <summary>Builds COUNTRY + check digits + BBAN (varying its last <paramref name="varyDigits"/> digits) with an independent BigInteger MOD 97.</summary>
    private static string FindIbanWithCheckDigits(string country, string bbanPrefix, int varyDigits, string? checkDigits)
    {
        var limit = (int)Math.Pow(10, varyDigits);
        for (var n = 0; n < limit; n++)
        {
            var bban = bbanPrefix + n.ToString(CultureInfo.InvariantCulture).PadLeft(varyDigits, '0');
            var numeric = string.Concat((bban + country + "00").Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
            var check = (98 - (int)(BigInteger.Parse(numeric, CultureInfo.InvariantCulture) % 97)).ToString("00", CultureInfo.InvariantCulture);
            if (checkDigits is null || check == checkDigits)
            {
                return country + check + bban;
            }
        }

        throw new InvalidOperationException("No BBAN found with the wanted check digits.");
    }
}
