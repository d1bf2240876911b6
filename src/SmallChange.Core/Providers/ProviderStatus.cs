using System.Text.Json.Serialization;

namespace SmallChange.Core.Providers;

/// <summary>Whether a provider may be quoted. Only <see cref="Active"/> providers are. Serialised by its lower-case name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProviderStatus>))]
public enum ProviderStatus
{
    /// <summary>Verified and in good standing: quoted when its offering fits.</summary>
    [JsonStringEnumMemberName("active")]
    Active = 0,

    /// <summary>Suspended by the operator or by the trust rules: never quoted, cash-outs to it are refused.</summary>
    [JsonStringEnumMemberName("suspended")]
    Suspended = 1,

    /// <summary>Due diligence not done (or not finished): never quoted.</summary>
    [JsonStringEnumMemberName("unverified")]
    Unverified = 2,
}

/// <summary>The stable wire names of <see cref="ProviderStatus"/>.</summary>
public static class ProviderStatuses
{
    public static string ToWireName(this ProviderStatus status) => status switch
    {
        ProviderStatus.Active => "active",
        ProviderStatus.Suspended => "suspended",
        ProviderStatus.Unverified => "unverified",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Parses a wire name (exact, lower case); null when unknown.</summary>
    public static ProviderStatus? FromWireName(string? name) => name switch
    {
        "active" => ProviderStatus.Active,
        "suspended" => ProviderStatus.Suspended,
        "unverified" => ProviderStatus.Unverified,
        _ => null,
    };
}
