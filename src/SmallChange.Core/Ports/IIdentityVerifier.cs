using SmallChange.Core.Compliance.Kyc;

namespace SmallChange.Core.Ports;

/// <summary>
/// Decides a KYC submission, or leaves it to the officers. The built-in implementation is the manual review queue
/// (<see cref="ManualReviewQueue"/>: it always refers); an external identity-verification provider implements this port in
/// an adapter, and configuration (<c>SmallChange:Kyc:Verifier</c>) picks one by <see cref="Name"/>. A provider that is
/// unreachable answers <see cref="VerificationOutcome.Refer"/> (the submission waits in the queue), never throws for it.
/// </summary>
public interface IIdentityVerifier
{
    /// <summary>The name configuration picks it by; <c>manual</c> is the built-in queue.</summary>
    string Name { get; }

    /// <summary>
    /// Looks at a pending submission. Called once when it is submitted (and again if the same submission is sent again
    /// while still pending), so an implementation must be idempotent by <see cref="KycSubmission.Id"/>.
    /// </summary>
    ValueTask<VerificationResult> Verify(KycSubmission submission, CancellationToken ct);
}

/// <summary>What a verifier concluded.</summary>
public enum VerificationOutcome
{
    /// <summary>Leave it to an officer: the submission stays in the review queue.</summary>
    Refer,

    Approve,

    Reject,
}

/// <summary>A verifier's answer: the outcome, why (recorded in the history, shown to officers), and the provider's own reference.</summary>
public sealed record VerificationResult(VerificationOutcome Outcome, string Reason, string? Reference = null);
