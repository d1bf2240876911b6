using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Ports;

namespace SmallChange.Pages.Cashouts;

/// <summary>The holder's cash-outs, newest first, each linking to its status page.</summary>
public sealed class IndexModel(IStore store) : PortalPage
{
    public IReadOnlyList<Cashout> Cashouts { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? cursor)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        try
        {
            var page = await store.ReadAsync(r => r.ListCashouts(holder, cursor, 25));
            (Cashouts, NextCursor) = (page.Items, page.NextCursor);
        }
        catch (InvalidCursorException)
        {
            return NotFound();
        }

        return Page();
    }
}
