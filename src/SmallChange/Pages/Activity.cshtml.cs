using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Ports;
using SmallChange.Core.Security;

namespace SmallChange.Pages;

/// <summary>The holder's activity log: sign-ins with device and IP, failed attempts, security changes, destinations and cash-outs; newest first, 25 a page.</summary>
public sealed class ActivityModel(IStore store) : PortalPage
{
    public const int PageSize = 25;

    public IReadOnlyList<ActivityEntry> Entries { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public bool IsFirstPage { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? cursor)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        try
        {
            var page = await store.ReadAsync(r => r.ListActivity(holder, cursor, PageSize));
            (Entries, NextCursor, IsFirstPage) = (page.Items, page.NextCursor, cursor is null);
        }
        catch (InvalidCursorException)
        {
            return NotFound();
        }

        return Page();
    }
}
