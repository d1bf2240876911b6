using SmallChange.Core.Compliance.Sanctions;

namespace SmallChange.Core.Ports;

/// <summary>
/// Sanctions screening as the cash-out, holder and destination paths use it. Today the host screens against list files
/// loaded from a folder; a store of imported, versioned lists can take its place behind this one method.
/// </summary>
public interface ISanctionsCheck
{
    /// <summary>Screens one name; null when no list is loaded (screening unavailable: callers decide how to fail).</summary>
    ValueTask<SanctionsScreen?> Screen(ScreeningQuery query, CancellationToken ct = default);
}

/// <summary>A screening's result and the lists it ran against.</summary>
/// <param name="Lists">The lists and their versions, e.g. <c>ofac_sdn@3f2a9c1b0d4e un@77aa01c2d3e4</c>.</param>
public sealed record SanctionsScreen(ScreeningResult Result, string Lists);
