using SmallChange.Core.Compliance.Kyc;

namespace SmallChange.Adapters.Storage;

/// <summary>
/// The one place where both stores turn personal data into column values and back: today KYC identity data (the
/// <c>kyc_submissions.identity</c> column). Encryption at rest goes here, for both backends at once.
/// </summary>
internal static class PersonalData
{
    public static string ProtectIdentity(IdentityData identity) => IdentityJson.Write(identity);

    public static IdentityData UnprotectIdentity(string stored) => IdentityJson.Read(stored);
}
