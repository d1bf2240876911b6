namespace SmallChange.Core.Tests.Kyc;

using SmallChange.Core.Compliance.Kyc;

public class IdentityDataTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    internal static IdentityInput Valid(string? sourceOfFunds = null) => new(
        "  Min-jun Kim ", "1990-04-17", "kr",
        new AddressInput("12 Sejong-daero", null, "Seoul", null, "04524", "KR"),
        "passport", "m1234 5678", null, sourceOfFunds);

    [Fact]
    public void Create_ValidTier1_NormalisesFields()
    {
        var d = IdentityData.Create(Valid(), 1, Now).Value;

        Assert.Equal("Min-jun Kim", d.LegalName.Value);
        Assert.Equal(new DateOnly(1990, 4, 17), d.DateOfBirth);
        Assert.Equal("KR", d.Nationality);
        Assert.Equal("KR", d.DocumentCountry);
        Assert.Equal("M1234 5678", d.DocumentNumber);
        Assert.Equal("••••5678", d.MaskedDocumentNumber);
        Assert.Equal(DocumentType.Passport, d.DocumentType);
        Assert.Null(d.SourceOfFunds);
    }

    [Fact]
    public void Create_Tier2WithoutSourceOfFunds_SourceOfFundsRequired()
    {
        var r = IdentityData.Create(Valid(), 2, Now);

        Assert.Equal("kyc.source_of_funds_required", r.Error!.Code);
        Assert.True(IdentityData.Create(Valid("creator earnings from video platforms"), 2, Now).IsOk);
    }

    [Theory]
    [InlineData(0, "kyc.tier_invalid")]
    [InlineData(3, "kyc.tier_invalid")]
    public void Create_TargetTierOutOfRange_Error(int tier, string code) =>
        Assert.Equal(code, IdentityData.Create(Valid(), tier, Now).Error!.Code);

    public static TheoryData<IdentityInput, string, string> Invalid => new()
    {
        { Valid() with { LegalName = " " }, "kyc.legal_name_invalid", "legal_name" },
        { Valid() with { LegalName = "Ann\u202EEvil" }, "kyc.legal_name_invalid", "legal_name" },
        { Valid() with { LegalName = new string('a', 201) }, "kyc.legal_name_invalid", "legal_name" },
        { Valid() with { DateOfBirth = "17/04/1990" }, "kyc.date_of_birth_invalid", "date_of_birth" },
        { Valid() with { DateOfBirth = "2026-12-02" }, "kyc.date_of_birth_invalid", "date_of_birth" },
        { Valid() with { DateOfBirth = "1899-12-31" }, "kyc.date_of_birth_invalid", "date_of_birth" },
        { Valid() with { Nationality = "Korea" }, "kyc.nationality_invalid", "nationality" },
        { Valid() with { Address = null }, "kyc.address_invalid", "address" },
        { Valid() with { Address = new AddressInput("", null, "Seoul", null, null, "KR") }, "kyc.address_invalid", "address.line1" },
        { Valid() with { Address = new AddressInput("1 Main St", null, "Seoul", null, null, "ZZ") }, "kyc.address_invalid", "address.country" },
        { Valid() with { Address = new AddressInput("1 Main St", "line\ntwo", "Seoul", null, null, "KR") }, "kyc.address_invalid", "address.line2" },
        { Valid() with { DocumentType = "selfie" }, "kyc.document_type_invalid", "document_type" },
        { Valid() with { DocumentNumber = "12" }, "kyc.document_number_invalid", "document_number" },
        { Valid() with { DocumentNumber = "M123;DROP" }, "kyc.document_number_invalid", "document_number" },
        { Valid() with { DocumentCountry = "XX" }, "kyc.document_country_invalid", "document_country" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Create_InvalidField_ErrorNamesFieldWithoutEchoingInput(IdentityInput input, string code, string field)
    {
        var e = IdentityData.Create(input, 1, Now).Error!;

        Assert.Equal(code, e.Code);
        Assert.Equal(field, e.Field);
        Assert.DoesNotContain("Evil", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DROP", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_IdentitySubmissionAndInput_ShowNoPersonalData()
    {
        var d = IdentityData.Create(Valid("salary"), 2, Now).Value;
        var s = new KycSubmission(KycSubmissionId.New(), Common.HolderId.New(), 2, d, KycStatus.Pending, "manual", "api-key:k", Now, null, null, null);

        foreach (var text in new[] { d.ToString(), s.ToString(), $"{d.Address}", $"{d.LegalName}", Valid().ToString(), Valid().Address!.ToString() })
        {
            Assert.DoesNotContain("Kim", text, StringComparison.Ordinal);
            Assert.DoesNotContain("1990", text, StringComparison.Ordinal);
            Assert.DoesNotContain("5678", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Sejong", text, StringComparison.Ordinal);
            Assert.DoesNotContain("salary", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IdentityJson_RoundTrip_EveryFieldKept()
    {
        var d = IdentityData.Create(Valid("salary") with
        {
            Address = new AddressInput("Flat 2", "10 Downing St", "London", "Greater London", "SW1A 2AA", "gb"),
            DocumentType = "residence_permit",
            DocumentCountry = "GB",
        }, 2, Now).Value;

        var back = IdentityJson.Read(IdentityJson.Write(d));

        Assert.Equal(d, back);
        Assert.Equal("SW1A 2AA", back.Address.PostalCode);
    }

    [Fact]
    public void IdentityJson_UnknownVersion_Throws() =>
        Assert.Throws<InvalidDataException>(() => IdentityJson.Read("""{"v":2,"legal_name":"x","date_of_birth":"2000-01-01","nationality":"KR","address":{"line1":"a","city":"b","country":"KR"},"document_type":"passport","document_number":"1234","document_country":"KR"}"""));
}
