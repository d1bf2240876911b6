using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Audit;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.StaffConsole;

namespace SmallChange.Pages.Console;

/// <summary>
/// The ledger's verifiable log: the latest signed checkpoint (its signature checked against the stored log keys) beside
/// the number of transfers now in the ledger. No verification status is stored, so an operator admin can run the same
/// verification as <c>smallchange verify</c> in-process ("verify now"); the result is shown and written to the staff trail.
/// </summary>
[StaffWrite(StaffRole.OperatorAdmin)]
public sealed class LedgerModel(IStore store, StaffAccounts accounts, TimeProvider clock) : ConsolePage
{
    public const string VerifiedAction = "ledger_verified";

    public Checkpoint? Latest { get; private set; }

    /// <summary>Null when the checkpoint's signature verifies against a stored key; otherwise why not.</summary>
    public string? SignatureProblem { get; private set; }

    public long Transfers { get; private set; }

    /// <summary>The outcome of "verify now" (after a POST).</summary>
    public (bool Ok, string Summary)? Verification { get; private set; }

    public DateTimeOffset VerifiedAt { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        VerifiedAt = clock.GetUtcNow();
        var totals = new TransferTotals();
        var log = await LogVerifier.Verify(store, totals, ct);
        var ledger = log.Ok ? await LedgerVerifier.Verify(store, totals.Result(), ct) : await LedgerVerifier.Verify(store, ct);
        Verification = !ledger.Ok ? (false, $"Ledger check failed: {ledger.FirstViolation}")
            : !log.Ok ? (false, $"Log check failed: {log.FirstViolation}")
            : (true, $"Verified: {ledger.Accounts} accounts and {ledger.Currencies} currencies balance; the log of {log.Leaves} transfers in {log.Batches} batches and {log.Checkpoints} checkpoints was recomputed and matches.");
        await accounts.Audit(Staff, VerifiedAction, Verification.Value.Ok ? "ok" : "failed", ct);
        await Load(ct);
        return Page();
    }

    private async Task Load(CancellationToken ct)
    {
        (Latest, var keys, Transfers) = await store.ReadAsync(async r => (await r.LatestCheckpoint(), await r.LogKeys(), await r.TransferCount()), ct);
        if (Latest is not null)
        {
            var verifier = new CheckpointVerifier();
            foreach (var k in keys)
            {
                verifier.Trust(k.PublicPem);
            }

            SignatureProblem = verifier.Check(Latest);
        }
    }
}
