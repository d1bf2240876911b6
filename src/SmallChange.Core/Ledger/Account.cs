using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Ledger;

/// <summary>What an account is for. Stored as its integer value: never renumber.</summary>
public enum AccountKind
{
    /// <summary>A holder's balance in one currency. Credit-normal; can never go negative.</summary>
    HolderWallet = 1,

    /// <summary>Per source and currency: what the source has credited (debit-normal, grows with every credit).</summary>
    SourceSettlement = 2,

    /// <summary>Operator fee revenue per currency.</summary>
    FeeRevenue = 3,

    /// <summary>Funds on their way to a payout provider per currency (held, then posted on payment).</summary>
    PayoutClearing = 4,

    /// <summary>Foreign-exchange position per currency.</summary>
    Fx = 5,

    /// <summary>Unallocated or disputed funds per currency.</summary>
    Suspense = 6,
}

/// <summary>
/// The natural key of an account: its kind, its owner (holder or source; empty for system accounts)
/// and its currency. The store maps keys to <see cref="AccountId"/>s.
/// </summary>
public readonly record struct AccountKey(AccountKind Kind, Guid Owner, Currency Currency)
{
    public static AccountKey Wallet(HolderId holder, Currency currency) => new(AccountKind.HolderWallet, holder.Value, currency);

    public static AccountKey Settlement(SourceId source, Currency currency) => new(AccountKind.SourceSettlement, source.Value, currency);

    public static AccountKey Fees(Currency currency) => new(AccountKind.FeeRevenue, Guid.Empty, currency);

    public static AccountKey Clearing(Currency currency) => new(AccountKind.PayoutClearing, Guid.Empty, currency);

    public static AccountKey Suspense(Currency currency) => new(AccountKind.Suspense, Guid.Empty, currency);

    /// <summary>Holder wallets may never have debits (posted + pending) above posted credits.</summary>
    public bool NoOverdraft => Kind == AccountKind.HolderWallet;
}

/// <summary>
/// An account with its running totals (TigerBeetle's model). All four totals only ever grow, except pending
/// totals which shrink when a hold is posted or voided. Balance = credits_posted − debits_posted.
/// </summary>
public sealed record Account(
    AccountId Id,
    AccountKey Key,
    long DebitsPending,
    long DebitsPosted,
    long CreditsPending,
    long CreditsPosted)
{
    public Currency Currency => Key.Currency;

    /// <summary>Posted balance, credit-normal (wallets): credits posted − debits posted.</summary>
    public Money.Money Posted => new(checked(CreditsPosted - DebitsPosted), Currency);

    /// <summary>What can still be spent: posted balance minus pending debits (holds).</summary>
    public Money.Money Available => new(checked(CreditsPosted - DebitsPosted - DebitsPending), Currency);

    /// <summary>Held by pending debits.</summary>
    public Money.Money Held => new(DebitsPending, Currency);
}
