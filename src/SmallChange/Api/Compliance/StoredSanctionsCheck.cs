using System.Runtime.CompilerServices;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;

namespace SmallChange.Api.Compliance;

/// <summary>
/// The server's screening hooks (holder and destination creation, every cash-out) over <see cref="SanctionsListService"/>:
/// the versioned lists imported into the database by <c>smallchange sanctions import</c>, and for any list never imported
/// the list files of <c>SmallChange:Sanctions:Lists</c> (see <see cref="Hosting.SanctionsSetup"/>). The screener is shared in
/// the process by list content (<see cref="ScreenerCache"/>) and rebuilt when the store holds a newer version (another node
/// imported one): checked at most every <see cref="SanctionsListService.CheckInterval"/>, and at once by the list refresher.
/// With no list at all (<c>SmallChange:Sanctions:Lists</c> = <c>none</c> and nothing imported) it answers null: screening is
/// unavailable and every cash-out is held for review (fails closed).
/// </summary>
public sealed class StoredSanctionsCheck(SanctionsListService lists) : ISanctionsCheck
{
    private static readonly ConditionalWeakTable<SanctionsScreener, string> Described = new();

    public async ValueTask<SanctionsScreen?> Screen(ScreeningQuery query, CancellationToken ct = default)
    {
        var screener = await lists.Screener(refresh: false, ct);
        return screener.Lists.Count == 0 ? null : new SanctionsScreen(screener.Screen(query), Described.GetValue(screener, Describe));
    }

    /// <summary>The lists and versions a screening ran against, as recorded with it: <c>ofac_sdn@3f2a9c1b0d4e un@77aa01c2d3e4</c>.</summary>
    public static string Describe(SanctionsScreener screener) => string.Join(" ", screener.Lists.Select(l => $"{l.Id}@{l.Version.Short}"));
}
