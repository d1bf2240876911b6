using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Ledger;

/// <summary>
/// Per-account totals summed from a stream of transfers in commit order, by the same rules as the store's
/// <see cref="IStoreReader.TotalsFromTransfers"/>: singles and posts add to posted amounts; a pending transfer adds to
/// pending amounts until a post or void resolves it. Lets one pass over the ledger serve both the log and the balances.
/// </summary>
public sealed class TransferTotals
{
    private readonly Dictionary<long, (long Dp, long Dpo, long Cp, long Cpo)> _accounts = [];
    private readonly Dictionary<TransferId, (long Debit, long Credit, long Amount)> _pending = [];

    public void Add(Transfer t)
    {
        switch (t.Kind)
        {
            case TransferKind.Single:
            case TransferKind.PostPending:
                Change(t.DebitAccount.Value, (0, t.Amount, 0, 0));
                Change(t.CreditAccount.Value, (0, 0, 0, t.Amount));
                if (t.PendingId is { } posted)
                {
                    _pending.Remove(posted);
                }

                break;
            case TransferKind.VoidPending:
                Change(t.DebitAccount.Value, default);
                Change(t.CreditAccount.Value, default);
                _pending.Remove(t.PendingId!.Value);
                break;
            case TransferKind.Pending:
                _pending[t.Id] = (t.DebitAccount.Value, t.CreditAccount.Value, t.Amount);
                Change(t.DebitAccount.Value, default);
                Change(t.CreditAccount.Value, default);
                break;
            default:
                throw new InvalidDataException($"transfer {t.Id} has an unknown kind");
        }
    }

    /// <summary>The totals of every account a transfer touched, unresolved pending amounts included.</summary>
    public Dictionary<long, AccountTotals> Result()
    {
        var result = _accounts.ToDictionary(a => a.Key, a => a.Value);
        foreach (var (debit, credit, amount) in _pending.Values)
        {
            var d = result[debit];
            result[debit] = (checked(d.Dp + amount), d.Dpo, d.Cp, d.Cpo);
            var c = result[credit];
            result[credit] = (c.Dp, c.Dpo, checked(c.Cp + amount), c.Cpo);
        }

        return result.ToDictionary(a => a.Key, a => new AccountTotals(new AccountId(a.Key), a.Value.Dp, a.Value.Dpo, a.Value.Cp, a.Value.Cpo));
    }

    private void Change(long account, (long Dp, long Dpo, long Cp, long Cpo) by)
    {
        var t = _accounts.GetValueOrDefault(account);
        _accounts[account] = (checked(t.Dp + by.Dp), checked(t.Dpo + by.Dpo), checked(t.Cp + by.Cp), checked(t.Cpo + by.Cpo));
    }
}
