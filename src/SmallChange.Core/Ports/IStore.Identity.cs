using SmallChange.Core.Common;
using SmallChange.Core.Identity;
using SmallChange.Core.Notifications;

namespace SmallChange.Core.Ports;

// Holder portal accounts (ASP.NET Core Identity runs over these through the host's user store), their recovery
// codes, the in-app inbox and the Data Protection key ring. See migration NNNN_identity.sql of each backend.

public partial interface IStoreReader
{
    ValueTask<PortalUser?> GetPortalUser(PortalUserId id);

    /// <summary>The account whose normalized e-mail is <paramref name="normalizedEmail"/> (exact match).</summary>
    ValueTask<PortalUser?> FindPortalUserByEmail(string normalizedEmail);

    ValueTask<PortalUser?> FindPortalUserByHolder(HolderId holder);

    /// <summary>How many unused recovery codes the account has.</summary>
    ValueTask<int> CountRecoveryCodes(PortalUserId user);

    /// <summary>A holder's inbox, newest first (by id: UUIDv7, time-ordered to the millisecond).</summary>
    ValueTask<Page<InboxMessage>> ListInbox(HolderId holder, string? cursor, int limit);

    /// <summary>How many of the holder's inbox messages are unread.</summary>
    ValueTask<int> CountUnread(HolderId holder);

    /// <summary>Every stored Data Protection key, oldest first.</summary>
    ValueTask<IReadOnlyList<StoredXmlKey>> ListDataProtectionKeys();
}

public partial interface IStoreTx
{
    /// <summary>
    /// Inserts a new account. The normalized e-mail and the holder are unique: the caller checks with
    /// <see cref="IStoreReader.FindPortalUserByEmail"/> in the same transaction first, so that a concurrent sign-up
    /// with the same address surfaces as a unique violation that the store retries, and the re-run finds the row.
    /// </summary>
    ValueTask InsertPortalUser(PortalUser user);

    /// <summary>
    /// Writes the account's profile and credential fields (e-mail, password hash, stamps, lockout and two-factor
    /// switches, authenticator key) only if its concurrency stamp is still <paramref name="expectedConcurrencyStamp"/>;
    /// the stored stamp becomes <c>user.ConcurrencyStamp</c>. Leaves the failure count, lockout end and last TOTP
    /// step alone (see their own methods). Returns false, writing nothing, when the stamp moved or the account is gone.
    /// </summary>
    ValueTask<bool> UpdatePortalUser(PortalUser user, string expectedConcurrencyStamp);

    /// <summary>Deletes the account and its recovery codes (the holder and its ledger stay). False when it did not exist.</summary>
    ValueTask<bool> DeletePortalUser(PortalUserId id);

    /// <summary>Adds one failed sign-in atomically and returns the new count (0 when the account does not exist).</summary>
    ValueTask<int> IncrementAccessFailed(PortalUserId id);

    ValueTask ResetAccessFailed(PortalUserId id);

    /// <summary>Sets the end of the lockout (null: not locked out).</summary>
    ValueTask SetLockoutEnd(PortalUserId id, DateTimeOffset? end);

    /// <summary>
    /// Records <paramref name="step"/> as the newest accepted TOTP time step only if it is newer than the stored one
    /// (a conditional update). Returns false, writing nothing, when a code of this step or a later one was accepted
    /// before: the code is a replay.
    /// </summary>
    ValueTask<bool> TryAdvanceTotpStep(PortalUserId id, long step);

    /// <summary>Replaces every recovery code of the account by these (hashes of the codes, never the codes).</summary>
    ValueTask ReplaceRecoveryCodes(PortalUserId id, IReadOnlyCollection<byte[]> codeHashes);

    /// <summary>Deletes one recovery code (by hash) atomically; true when it existed, so each code works once.</summary>
    ValueTask<bool> RedeemRecoveryCode(PortalUserId id, byte[] codeHash);

    ValueTask InsertInboxMessage(InboxMessage message);

    /// <summary>Marks one of the holder's messages read; false when the holder has no such unread message.</summary>
    ValueTask<bool> MarkInboxRead(HolderId holder, NotificationId id, DateTimeOffset at);

    /// <summary>Stores a Data Protection key; a key of the same name is left as it is (keys never change).</summary>
    ValueTask InsertDataProtectionKey(StoredXmlKey key);
}
