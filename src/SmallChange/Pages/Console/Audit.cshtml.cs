using SmallChange.Core.Ports;
using SmallChange.Core.Staff;

namespace SmallChange.Pages.Console;

/// <summary>The staff trail, newest first: sign-ins, enrolments, decisions, four-eyes requests and their decisions.</summary>
public sealed class AuditModel(IStore store) : ConsolePage
{
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<StaffAuditEntry> Entries { get; private set; } = new([], null);

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            Entries = await store.ReadAsync(r => r.ListStaffAudit(Cursor, 100), ct);
        }
        catch (InvalidCursorException)
        {
            Entries = await store.ReadAsync(r => r.ListStaffAudit(null, 100), ct);
        }
    }
}
