using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;

namespace SmallChange.Pages.Console;

/// <summary>The console's start page: what waits for whom.</summary>
public sealed class IndexModel(IStore store) : ConsolePage
{
    public int Held { get; private set; }

    public int OpenCases { get; private set; }

    public IReadOnlyList<Approval> Pending { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        (Held, OpenCases, Pending) = await store.ReadAsync(async r => (
            (await r.ListCashoutsInState(CashoutState.Held, DateTimeOffset.MinValue, 500)).Count,
            (await r.ListCases(new CaseFilter(Status: CaseStatus.Open), null, 500)).Items.Count,
            (await r.ListApprovals(new ApprovalFilter(ApprovalStatus.Pending), null, 100)).Items), ct);
    }
}
