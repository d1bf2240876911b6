using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Ports;

namespace SmallChange.Pages.Cashouts;

/// <summary>One cash-out of the holder's: where it is, what it cost, where it goes (masked), every check and state change. Another holder's is not found.</summary>
public sealed class StatusModel(IStore store) : PortalPage
{
    public Cashout Cashout { get; private set; } = null!;

    public Destination? Destination { get; private set; }

    public IReadOnlyList<CashoutEvent> Events { get; private set; } = [];

    /// <summary>How often the page reloads itself (a meta refresh: no script) while the cash-out is on its way; slower while held for a person's review.</summary>
    public int RefreshSeconds => Cashout.State == CashoutState.Held ? 30 : 3;

    /// <summary>Whether the cash-out can still change (not paid, refused, failed or returned): the page reloads itself until it is.</summary>
    public bool Refreshes => Cashout.State is not CashoutState.Paid && !Cashout.State.IsFinal();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        var data = await store.ReadAsync(async r =>
        {
            var c = await r.GetCashout(new CashoutId(id));
            return c is null || c.Holder != holder ? default : (c, await r.GetDestination(c.Destination), await r.ListCashoutEvents(c.Id));
        });
        if (data.c is null)
        {
            return NotFound();
        }

        (Cashout, Destination, Events) = data;
        return Page();
    }

    public static string StateText(CashoutState s) => s switch
    {
        CashoutState.Requested => "Requested",
        CashoutState.Approved => "Approved, on its way to the provider",
        CashoutState.Held => "Held for review",
        CashoutState.Rejected => "Refused",
        CashoutState.Submitted => "Sent to the provider",
        CashoutState.Paid => "Paid",
        CashoutState.Failed => "Failed; the money is back in your balance",
        _ => "Returned; the money is back in your balance",
    };
}
