using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using LedgerAccount = SmallChange.Core.Ledger.Account;

namespace SmallChange.Pages;

/// <summary>The start page: a welcome for visitors; for a signed-in holder, the balance in every currency.</summary>
public sealed class IndexModel(IStore store) : PortalPage
{
    public Holder? Profile { get; private set; }

    public IReadOnlyList<LedgerAccount> Wallets { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (Holder is { } id)
        {
            (Profile, Wallets) = await store.ReadAsync(async r => (await r.GetHolder(id), await r.ListAccounts(AccountKind.HolderWallet, id.Value)));
        }
    }
}
