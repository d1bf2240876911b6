using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Destinations;

/// <summary>Cancels one of the holder's destinations (while it cools off, or later), behind a step-up. Another holder's id is not found.</summary>
public sealed class CancelModel(CashoutService cashouts, HolderActions actions, StepUpVerifier stepUp, TimeProvider clock) : MoneyPage(stepUp)
{
    public Destination? Destination { get; private set; }

    public DestinationState? State { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        if (!await Load(holder, id))
        {
            return NotFound();
        }

        await LoadSecurity();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (Holder is not { } holder || Session is not { } session)
        {
            return Challenge();
        }

        if (!await Load(holder, id))
        {
            return NotFound();
        }

        if (!await StepUpIfNeeded())
        {
            return Page();
        }

        var result = await actions.CancelDestination(session, new DestinationId(id), HttpContext.RequestAborted);
        if (!result.TryGet(out _, out var error))
        {
            AddError(error);
            await Load(holder, id);
            await LoadSecurity();
            return Page();
        }

        return Redirect("/destinations?done=cancelled");
    }

    private async Task<bool> Load(HolderId holder, Guid id)
    {
        Now = clock.GetUtcNow();
        Destination = await cashouts.GetDestination(holder, new DestinationId(id), HttpContext.RequestAborted);
        State = Destination is null ? null : (await cashouts.DestinationsWithState(holder, 100, HttpContext.RequestAborted)).FirstOrDefault(x => x.Destination.Id == Destination.Id).State;
        return Destination is not null;
    }
}
