using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;

namespace SmallChange.Portal;

/// <summary>
/// The user type ASP.NET Core Identity works with: a mutable box around the stored <see cref="PortalUser"/> record.
/// Identity's managers change it through <see cref="PortalUserStore"/>'s setters and persist it with <c>UpdateAsync</c>.
/// The Identity user name is the account id (not personal data); people sign in with their e-mail address.
/// </summary>
public sealed class PortalAccount
{
    internal PortalAccount(PortalUser stored, bool persisted, Holder? newHolder = null)
    {
        Data = stored;
        Persisted = persisted;
        NewHolder = newHolder;
    }

    /// <summary>The account as it will be (or was last) written.</summary>
    public PortalUser Data { get; internal set; }

    /// <summary>True once the account is in the store (setters of counters then write through at once).</summary>
    internal bool Persisted { get; set; }

    /// <summary>The holder to create together with the account (sign-up), in the same transaction.</summary>
    internal Holder? NewHolder { get; set; }

    /// <summary>A new, unsaved account for a new holder. Identity fills in the password hash, stamps and normalized e-mail.</summary>
    public static PortalAccount ForNewHolder(EmailAddress email, Holder holder, DateTimeOffset now) => new(
        new PortalUser(PortalUserId.New(), holder.Id, email, "", false, null, "", Guid.NewGuid().ToString("N"), true, null, 0, false, null, null, now),
        persisted: false, holder);

    /// <summary>A new, unsaved account without a password for a holder that exists already (an operator's invitation).</summary>
    public static PortalAccount ForExistingHolder(EmailAddress email, HolderId holder, DateTimeOffset now) => new(
        new PortalUser(PortalUserId.New(), holder, email, "", false, null, "", Guid.NewGuid().ToString("N"), true, null, 0, false, null, null, now),
        persisted: false);

    public override string ToString() => $"PortalAccount {{ Id = {Data.Id}, Holder = {Data.Holder} }}";
}
