using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;

namespace SmallChange.Core.Ports;

public partial interface IStoreReader
{
    ValueTask<KycSubmission?> GetKycSubmission(KycSubmissionId id);

    /// <summary>The holder's pending submission, if any (a holder has at most one).</summary>
    ValueTask<KycSubmission?> FindPendingKycSubmission(HolderId holder);

    /// <summary>
    /// Submissions oldest first (by id), optionally only those in <paramref name="status"/> and of <paramref name="holder"/>;
    /// the cursor is the last id seen.
    /// </summary>
    ValueTask<Page<KycSubmission>> ListKycSubmissions(KycStatus? status, HolderId? holder, string? cursor, int limit);

    /// <summary>The holder's KYC history in order; only the steps of <paramref name="submission"/> when given.</summary>
    ValueTask<IReadOnlyList<KycEvent>> ListKycEvents(HolderId holder, KycSubmissionId? submission);

    /// <summary>The identity of the holder's most recently decided approved submission, if any (for screening and reports).</summary>
    ValueTask<IdentityData?> LatestApprovedIdentity(HolderId holder);
}

public partial interface IStoreTx
{
    /// <summary>Stores a new submission. A second pending submission for the same holder violates a unique index (throws).</summary>
    ValueTask InsertKycSubmission(KycSubmission submission);

    /// <summary>
    /// Records the decision only if the submission is still pending (a conditional update); returns false, writing
    /// nothing, otherwise.
    /// </summary>
    ValueTask<bool> DecideKycSubmission(KycSubmissionId id, KycStatus status, string decidedBy, string reason, DateTimeOffset at);

    /// <summary>
    /// Appends a step to the holder's history, numbered after the last one; returns the stored event. Call
    /// <see cref="LockHolder"/> first: two writers numbering the same holder's history at once would collide.
    /// </summary>
    ValueTask<KycEvent> AppendKycEvent(KycEvent e);
}
