using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;

namespace SmallChange.Pages.Console;

/// <summary>Held cash-outs, oldest first, with the case that decides them and whether a release needs four eyes.</summary>
public sealed class HeldModel(IStore store, CaseService cases) : ConsolePage
{
    public sealed record Row(Cashout Cashout, Case? Case, bool FourEyes);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public ReleaseThresholds Thresholds => cases.Thresholds;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Rows = await store.ReadAsync<IReadOnlyList<Row>>(async r =>
        {
            var rows = new List<Row>();
            foreach (var c in await r.ListCashoutsInState(CashoutState.Held, DateTimeOffset.MinValue, 500))
            {
                rows.Add(new Row(c, await r.FindOpenCase(c.Holder), cases.Thresholds.NeedsSecondApprover(c.Gross)));
            }

            return rows;
        }, ct);
    }
}
