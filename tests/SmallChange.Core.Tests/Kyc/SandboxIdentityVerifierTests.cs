namespace SmallChange.Core.Tests.Kyc;

using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ports;

public class SandboxIdentityVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static KycSubmission Submission(string dateOfBirth = "1990-04-17", string document = "m1234 5678", DateTimeOffset? at = null, int tier = 1)
    {
        var input = IdentityDataTests.Valid() with { DateOfBirth = dateOfBirth, DocumentNumber = document, SourceOfFunds = tier >= 2 ? "Freelance illustration income" : null };
        var identity = IdentityData.Create(input, tier, at ?? Now).Value;
        return new KycSubmission(KycSubmissionId.New(), new HolderId(Guid.NewGuid()), tier, identity, KycStatus.Pending,
            SandboxIdentityVerifier.VerifierName, "portal:test", at ?? Now, null, null, null);
    }

    [Fact]
    public async Task Verify_CompleteAdultData_ApprovesWithReasonAndReference()
    {
        var s = Submission();
        var r = await new SandboxIdentityVerifier().Verify(s, CancellationToken.None);

        Assert.Equal(VerificationOutcome.Approve, r.Outcome);
        Assert.Contains("sandbox identity check", r.Reason);
        Assert.Contains("no real document was checked", r.Reason);
        Assert.Equal("sandbox-" + s.Id.Value.ToString("N")[..12], r.Reference);
        Assert.DoesNotContain("5678", r.Reason);
        Assert.DoesNotContain("1990", r.Reason);
    }

    [Fact]
    public void Decide_UnderEighteenOnTheDay_Rejects()
    {
        // Eighteen on 2 December 2026: one day short at the submission on 1 December.
        var r = SandboxIdentityVerifier.Decide(Submission("2008-12-02"));

        Assert.Equal(VerificationOutcome.Reject, r.Outcome);
        Assert.Contains("under 18", r.Reason);
    }

    [Fact]
    public void Decide_EighteenthBirthdayToday_Approves() =>
        Assert.Equal(VerificationOutcome.Approve, SandboxIdentityVerifier.Decide(Submission("2008-12-01")).Outcome);

    [Fact]
    public void Decide_TierTwoRequest_RefersToOfficer()
    {
        var r = SandboxIdentityVerifier.Decide(Submission(tier: 2));

        Assert.Equal(VerificationOutcome.Refer, r.Outcome);
        Assert.Contains("enhanced due diligence", r.Reason);
    }

    [Fact]
    public void Decide_TierTwoRequestUnderEighteen_Rejects() =>
        Assert.Equal(VerificationOutcome.Reject, SandboxIdentityVerifier.Decide(Submission("2008-12-02", tier: 2)).Outcome);

    [Fact]
    public void Decide_RejectTestDocumentNumber_Rejects()
    {
        var r = SandboxIdentityVerifier.Decide(Submission(document: "sandbox-reject"));

        Assert.Equal(VerificationOutcome.Reject, r.Outcome);
        Assert.Contains("sandbox test value", r.Reason);
    }

    [Fact]
    public void Decide_ReferTestDocumentNumber_RefersToOfficer() =>
        Assert.Equal(VerificationOutcome.Refer, SandboxIdentityVerifier.Decide(Submission(document: SandboxIdentityVerifier.ReferDocumentNumber)).Outcome);

    [Fact]
    public void Decide_SameSubmissionTwice_SameAnswer()
    {
        var s = Submission();

        Assert.Equal(SandboxIdentityVerifier.Decide(s), SandboxIdentityVerifier.Decide(s));
    }

    [Theory]
    [InlineData("2008-02-29", "2026-02-28", 17)]
    [InlineData("2008-02-29", "2026-03-01", 18)]
    [InlineData("1990-04-17", "2026-04-16", 35)]
    [InlineData("1990-04-17", "2026-04-17", 36)]
    public void AgeOn_Birthdays_WholeYears(string birth, string day, int age) =>
        Assert.Equal(age, SandboxIdentityVerifier.AgeOn(DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));
}
