using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Notifications;
using SmallChange.Core.Ports;

namespace SmallChange.Pages;

/// <summary>The holder's in-app inbox: security alerts and account messages, newest first, 20 a page.</summary>
public sealed class InboxModel(IStore store, TimeProvider clock) : PortalPage
{
    public const int PageSize = 20;

    public IReadOnlyList<InboxMessage> Messages { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? cursor)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        try
        {
            var page = await store.ReadAsync(r => r.ListInbox(holder, cursor, PageSize));
            (Messages, NextCursor) = (page.Items, page.NextCursor);
        }
        catch (InvalidCursorException)
        {
            return NotFound();
        }

        return Page();
    }

    /// <summary>Marks one of the holder's own messages read (another holder's id changes nothing).</summary>
    public async Task<IActionResult> OnPostReadAsync(Guid id, string? cursor)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        await store.WriteAsync(tx => tx.MarkInboxRead(holder, new NotificationId(id), clock.GetUtcNow()));
        return Redirect(cursor is null ? "/inbox" : $"/inbox?cursor={Uri.EscapeDataString(cursor)}");
    }
}
