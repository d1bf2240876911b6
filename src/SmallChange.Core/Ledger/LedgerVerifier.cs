using SmallChange.Core.Ports;

namespace SmallChange.Core.Ledger;

/// <summary>What <see cref="LedgerVerifier"/> found: counts and, if broken, the first violation.</summary>
public sealed record VerificationReport(int Accounts, int Currencies, string? FirstViolation)
{
    public bool Ok => FirstViolation is null;
}

/// <summary>
/// Checks the ledger's invariants from the stored data: every account's totals equal the sums of its transfers;
/// in every currency total debits equal total credits (posted and pending); no holder wallet is negative.
/// </summary>
public static class LedgerVerifier
{
    public static Task<VerificationReport> Verify(IStore store, CancellationToken ct = default) => store.ReadAsync(async r =>
    {
        var fromTransfers = new Dictionary<long, AccountTotals>();
        await foreach (var t in r.TotalsFromTransfers())
        {
            fromTransfers[t.Account.Value] = t;
        }

        return await Compare(r, fromTransfers, ct);
    }, ct);

    /// <summary>As <see cref="Verify(IStore, CancellationToken)"/>, with the totals already summed from the transfers (by <see cref="TransferTotals"/>).</summary>
    public static Task<VerificationReport> Verify(IStore store, IReadOnlyDictionary<long, AccountTotals> fromTransfers, CancellationToken ct = default) =>
        store.ReadAsync(r => Compare(r, fromTransfers.ToDictionary(), ct), ct);

    private static async ValueTask<VerificationReport> Compare(IStoreReader r, Dictionary<long, AccountTotals> fromTransfers, CancellationToken ct)
    {

        var perCurrency = new SortedDictionary<string, (long Dp, long Dpo, long Cp, long Cpo)>(StringComparer.Ordinal);
        var count = 0;
        string? violation = null;
        await foreach (var a in r.AllAccounts())
        {
            count++;
            ct.ThrowIfCancellationRequested();
            fromTransfers.TryGetValue(a.Id.Value, out var t);
            t ??= new AccountTotals(a.Id, 0, 0, 0, 0);
            if (violation is null && (t.DebitsPending != a.DebitsPending || t.DebitsPosted != a.DebitsPosted || t.CreditsPending != a.CreditsPending || t.CreditsPosted != a.CreditsPosted))
            {
                violation = $"account {a.Id} ({a.Key.Kind} {a.Currency}): stored totals (dp={a.DebitsPending}, dpo={a.DebitsPosted}, cp={a.CreditsPending}, cpo={a.CreditsPosted}) " +
                            $"differ from its transfers (dp={t.DebitsPending}, dpo={t.DebitsPosted}, cp={t.CreditsPending}, cpo={t.CreditsPosted})";
            }

            if (violation is null && a.Key.NoOverdraft && a.DebitsPosted + a.DebitsPending > a.CreditsPosted)
            {
                violation = $"account {a.Id} (holder wallet {a.Currency}) is negative: available {a.Available}";
            }

            var s = perCurrency.GetValueOrDefault(a.Currency.Code);
            perCurrency[a.Currency.Code] = (checked(s.Dp + a.DebitsPending), checked(s.Dpo + a.DebitsPosted), checked(s.Cp + a.CreditsPending), checked(s.Cpo + a.CreditsPosted));
            fromTransfers.Remove(a.Id.Value);
        }

        if (violation is null && fromTransfers.Count > 0)
        {
            violation = $"transfers reference account {fromTransfers.Keys.Min()} which does not exist";
        }

        foreach (var (currency, s) in perCurrency)
        {
            if (violation is null && (s.Dpo != s.Cpo || s.Dp != s.Cp))
            {
                violation = $"currency {currency} does not balance: debits posted {s.Dpo} vs credits posted {s.Cpo}, debits pending {s.Dp} vs credits pending {s.Cp}";
            }
        }

        return new VerificationReport(count, perCurrency.Count, violation);
    }
}
