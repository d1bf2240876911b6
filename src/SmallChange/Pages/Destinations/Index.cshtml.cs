using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Destinations;
using SmallChange.Core.Security;
using SmallChange.Portal;

namespace SmallChange.Pages.Destinations;

/// <summary>The holder's payout destinations, masked, each with its cooling-off state; links to add one and to cancel one.</summary>
public sealed class IndexModel(CashoutService cashouts, StepUpVerifier stepUp, TimeProvider clock) : MoneyPage(stepUp)
{
    public IReadOnlyList<(Destination Destination, DestinationState? State)> Destinations { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    /// <summary>"added" or "cancelled": a notice after those actions.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        await LoadSecurity();
        Now = clock.GetUtcNow();
        Destinations = await cashouts.DestinationsWithState(holder, 100, HttpContext.RequestAborted);
        return Page();
    }

    public static string StatusText(DestinationState? s, DateTimeOffset now) => s?.StatusAt(now) switch
    {
        DestinationStatus.Active => "Active",
        DestinationStatus.Cooling => $"Cooling off until {DestinationCoolingOff.Format(s.UsableAt)}",
        DestinationStatus.Cancelled => $"Cancelled {When(s.CancelledAt!.Value)}",
        _ => "Not usable",
    };
}
