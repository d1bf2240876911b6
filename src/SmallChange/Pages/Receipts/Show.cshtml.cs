using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Audit;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Destinations;
using SmallChange.Core.Ports;
using SmallChange.Portal.Records;

namespace SmallChange.Pages.Receipts;

/// <summary>
/// The receipt of one credit (by its transfer id) or cash-out (by its id) of the signed-in holder, with how to verify
/// it; <c>format=json</c> downloads the verifiable receipt (a credit's transfer, or the bundle of a cash-out's
/// transfers) that <c>smallchange verify receipt</c> checks offline. Anything not the holder's is not found.
/// </summary>
public sealed class ShowModel(IStore store, CheckpointService checkpoints) : PortalPage
{
    public Credit? Credit { get; private set; }

    public string? SourceName { get; private set; }

    public Cashout? Cashout { get; private set; }

    public Destination? Destination { get; private set; }

    public IReadOnlyList<CashoutEvent> Events { get; private set; } = [];

    /// <summary>The ledger receipts: one for a credit, one per transfer for a cash-out.</summary>
    public IReadOnlyList<Receipt> Proofs { get; private set; } = [];

    public Guid Id { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? format)
    {
        if (Holder is not { } holder)
        {
            return Challenge();
        }

        Id = id;
        var ct = HttpContext.RequestAborted;
        var cashout = await store.ReadAsync(async r => await r.GetCashout(new CashoutId(id)) is { } c && c.Holder == holder
            ? (c, await r.GetDestination(c.Destination), await r.ListCashoutEvents(c.Id))
            : default, ct);
        string json;
        if (cashout.c is { } found)
        {
            (Cashout, Destination, Events) = cashout;
            var bundle = await CashoutReceipts.For(checkpoints, found, ct);
            Proofs = bundle.Receipts;
            json = bundle.ToJson();
        }
        else
        {
            var records = await PortalRecords.Load(store, holder, ct);
            if (records.Book.FindCredit(new TransferId(id)) is not { } credit || await checkpoints.ReceiptFor(credit.TransferId, ct) is not { } receipt)
            {
                return NotFound();
            }

            (Credit, SourceName, Proofs) = (credit, records.SourceName(credit.Source), [receipt]);
            json = receipt.ToJson();
        }

        if (format == "json")
        {
            return File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", $"smallchange-receipt-{id}.json");
        }

        return Page();
    }
}
