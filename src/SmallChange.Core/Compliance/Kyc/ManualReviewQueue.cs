using SmallChange.Core.Ports;

namespace SmallChange.Core.Compliance.Kyc;

/// <summary>The built-in identity verifier: every submission waits for an officer in the review queue.</summary>
public sealed class ManualReviewQueue : IIdentityVerifier
{
    public const string VerifierName = "manual";

    public string Name => VerifierName;

    public ValueTask<VerificationResult> Verify(KycSubmission submission, CancellationToken ct) =>
        ValueTask.FromResult(new VerificationResult(VerificationOutcome.Refer, "queued for officer review"));
}
