using SmallChange.Core.Common;

namespace SmallChange.Core.Holders;

public enum HolderStatus
{
    Active = 0,
    Suspended = 1,
    Closed = 2,
}

/// <summary>A person's name: personal data. <see cref="ToString"/> redacts, so it cannot leak into a log by accident.</summary>
public readonly record struct PersonName(string Value)
{
    public override string ToString() => "[redacted name]";
}

/// <summary>
/// An account holder. <see cref="ExternalRef"/> is the operator's own reference for the person
/// (unique per operator). Holders are created at KYC tier 0: they can receive but not cash out.
/// </summary>
public sealed record Holder(
    HolderId Id,
    string ExternalRef,
    PersonName Name,
    string Country,
    HolderStatus Status,
    int KycTier,
    DateTimeOffset CreatedAt)
{
    public override string ToString() => $"Holder {{ Id = {Id}, Country = {Country}, Status = {Status}, KycTier = {KycTier} }}";
}
