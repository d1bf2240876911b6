using SmallChange.Core.Ports;

namespace SmallChange.Core.Compliance.Kyc;

/// <summary>
/// A SANDBOX identity verifier for demos and development: it decides at once from the submitted data alone, by the fixed
/// rules below, and checks no real document against any register. Never select it where identities must really be
/// verified: the default everywhere is the officers' queue (<see cref="ManualReviewQueue"/>); <c>serve --demo</c> picks
/// this one unless <c>SmallChange:Kyc:Verifier</c> says otherwise. Rules, in order (the first that matches decides):
/// <list type="number">
/// <item>document number <see cref="RejectDocumentNumber"/> (a test value): reject;</item>
/// <item>document number <see cref="ReferDocumentNumber"/> (a test value): refer to an officer (the manual queue);</item>
/// <item>younger than <see cref="MinimumAge"/> on the day of submission: reject;</item>
/// <item>a request for tier 2 or above (enhanced due diligence: the source of funds is weighed by a person): refer to an
/// officer;</item>
/// <item>anything else (the data was already validated as complete when it was submitted): approve.</item>
/// </list>
/// Deterministic and stateless, so asking again about the same submission gives the same answer (the port's idempotency).
/// Reasons never repeat the personal data.
/// </summary>
public sealed class SandboxIdentityVerifier : IIdentityVerifier
{
    public const string VerifierName = "sandbox";

    /// <summary>A document number that the sandbox always rejects (as a provider would for a document reported invalid).</summary>
    public const string RejectDocumentNumber = "SANDBOX-REJECT";

    /// <summary>A document number that the sandbox always leaves to an officer (as a provider would when unsure).</summary>
    public const string ReferDocumentNumber = "SANDBOX-REFER";

    /// <summary>The minimum age in whole years on the day of submission.</summary>
    public const int MinimumAge = 18;

    public string Name => VerifierName;

    public ValueTask<VerificationResult> Verify(KycSubmission submission, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return ValueTask.FromResult(Decide(submission));
    }

    /// <summary>The rules above, as a pure function of the submission.</summary>
    public static VerificationResult Decide(KycSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var reference = "sandbox-" + submission.Id.Value.ToString("N")[..12];
        var identity = submission.Identity;
        if (identity.DocumentNumber == RejectDocumentNumber)
        {
            return new VerificationResult(VerificationOutcome.Reject, "sandbox identity check: the document was reported invalid (sandbox test value)", reference);
        }

        if (identity.DocumentNumber == ReferDocumentNumber)
        {
            return new VerificationResult(VerificationOutcome.Refer, "sandbox identity check: could not decide, left to an officer (sandbox test value)", reference);
        }

        var submitted = DateOnly.FromDateTime(submission.SubmittedAt.UtcDateTime);
        if (AgeOn(identity.DateOfBirth, submitted) < MinimumAge)
        {
            return new VerificationResult(VerificationOutcome.Reject, $"sandbox identity check: the holder is under {MinimumAge} on the day of submission", reference);
        }

        if (submission.TargetTier >= 2)
        {
            return new VerificationResult(VerificationOutcome.Refer, "sandbox identity check: enhanced due diligence (tier 2) is decided by an officer", reference);
        }

        return new VerificationResult(VerificationOutcome.Approve,
            $"sandbox identity check: complete data, {MinimumAge} or older, {identity.DocumentType.ToWireName()} number well-formed (no real document was checked)", reference);
    }

    /// <summary>Age in whole years on <paramref name="day"/> (a 29 February birthday counts from 1 March in other years).</summary>
    public static int AgeOn(DateOnly birth, DateOnly day)
    {
        var age = day.Year - birth.Year;
        if (day.Month < birth.Month || (day.Month == birth.Month && day.Day < birth.Day))
        {
            age--;
        }

        return age;
    }
}
