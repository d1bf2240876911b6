using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Ports;

/// <summary>
/// The storage port. One implementation per database (SQLite embedded, PostgreSQL for production).
/// Every write runs inside <see cref="WriteAsync{T}"/> as one transaction: committed when the work returns,
/// rolled back when it throws. Implementations retry transient conflicts (serialization failures) by
/// re-running the whole work delegate, so the delegate must not have side effects outside the transaction.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Backend { get; }

    /// <summary>Applies pending numbered migrations in order; returns the versions applied.</summary>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default);

    Task<T> WriteAsync<T>(Func<IStoreTx, ValueTask<T>> work, CancellationToken ct = default);

    Task<T> ReadAsync<T>(Func<IStoreReader, ValueTask<T>> work, CancellationToken ct = default);
}

/// <summary>A page of results and the opaque cursor of the next page (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public partial interface IStoreReader
{
    ValueTask<Account?> GetAccount(AccountId id);

    ValueTask<Account?> FindAccount(AccountKey key);

    /// <summary>All accounts of one kind and owner (e.g. a holder's wallets in every currency).</summary>
    ValueTask<IReadOnlyList<Account>> ListAccounts(AccountKind kind, Guid owner);

    ValueTask<Transfer?> GetTransfer(TransferId id);

    /// <summary>The post or void of a pending transfer, if any.</summary>
    ValueTask<Transfer?> FindResolution(TransferId pendingId);

    /// <summary>The transfer that reverses <paramref name="id"/>, if any.</summary>
    ValueTask<Transfer?> FindReversal(TransferId id);

    /// <summary>Transfers touching an account, newest first; cursor is the last sequence seen.</summary>
    ValueTask<Page<Transfer>> ListTransfers(AccountId account, string? cursor, int limit);

    /// <summary>Pending transfers whose timeout is at or before <paramref name="now"/> and that were never posted or voided.</summary>
    ValueTask<IReadOnlyList<Transfer>> ListExpiredPending(DateTimeOffset now, int limit);

    ValueTask<Holder?> GetHolder(HolderId id);

    ValueTask<Holder?> FindHolderByRef(string externalRef);

    /// <summary>Resolves external references to holder ids (unknown references are absent from the result).</summary>
    ValueTask<IReadOnlyDictionary<string, HolderId>> ResolveHolderRefs(IReadOnlyCollection<string> externalRefs);

    /// <summary>Which of these holder ids exist.</summary>
    ValueTask<IReadOnlySet<HolderId>> ExistingHolders(IReadOnlyCollection<HolderId> ids);

    ValueTask<Page<Holder>> ListHolders(string? cursor, int limit);

    ValueTask<Source?> GetSource(SourceId id);

    ValueTask<Page<Source>> ListSources(string? cursor, int limit);

    ValueTask<Credit?> FindCredit(SourceId source, string sourceRef);

    /// <summary>A holder's credits, newest first, optionally from one source.</summary>
    ValueTask<Page<Credit>> ListCredits(HolderId holder, SourceId? source, string? cursor, int limit);

    /// <summary>Per source and currency: the total credited to the holder and the count.</summary>
    ValueTask<IReadOnlyList<CreditTotal>> CreditTotals(HolderId holder);

    ValueTask<IdempotencyRecord?> FindIdempotency(string scope, string key);

    /// <summary>Every account, for verification (in id order).</summary>
    IAsyncEnumerable<Account> AllAccounts();

    /// <summary>Sums of posted and pending amounts per account computed from the transfers themselves.</summary>
    IAsyncEnumerable<AccountTotals> TotalsFromTransfers();
}

public partial interface IStoreTx : IStoreReader
{
    /// <summary>Returns the account for a key, creating it with zero totals if needed.</summary>
    ValueTask<Account> EnsureAccount(AccountKey key);

    /// <summary>
    /// Adds to the account's debits (pending or posted) only if a no-overdraft account keeps
    /// debits_posted + debits_pending ≤ credits_posted. A conditional update: safe under concurrency.
    /// Returns false, writing nothing, when funds are insufficient.
    /// </summary>
    ValueTask<bool> TryDebit(AccountId account, long amount, bool pending);

    ValueTask Credit(AccountId account, long amount, bool pending);

    /// <summary>Releases a pending transfer's amounts on both accounts and posts <paramref name="postAmount"/> (0 for a void).</summary>
    ValueTask ResolvePending(Transfer pending, long postAmount);

    /// <summary>Appends the transfer; returns its sequence number (commit order).</summary>
    ValueTask<long> InsertTransfer(Transfer transfer);

    /// <summary>
    /// Writes credits in bulk: for each row, the credit record, its transfer and the balance changes.
    /// Idempotent by (source, source reference): a replay returns the original, other content a conflict. Two rows with
    /// one reference in the same call behave as if sent one after the other (the first is created, the second is a
    /// replay or a conflict): group commit of single credits relies on it.
    /// With <paramref name="linked"/>, any conflict rolls back every row of the call.
    /// </summary>
    ValueTask<IReadOnlyList<CreditWriteResult>> InsertCredits(IReadOnlyList<CreditRow> rows, DateTimeOffset now, bool linked);

    ValueTask InsertHolder(Holder holder);

    ValueTask InsertSource(Source source);

    ValueTask InsertIdempotency(IdempotencyRecord record);

    /// <summary>Marks a point to roll back to without aborting the whole transaction.</summary>
    ValueTask<ISavepoint> Savepoint();
}

public interface ISavepoint
{
    ValueTask Rollback();

    ValueTask Release();
}

public sealed record CreditTotal(SourceId Source, string Currency, long Units, long Count);

public sealed record AccountTotals(AccountId Account, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

/// <summary>A stored response for an idempotency key: a replay with the same request hash returns it.</summary>
public sealed record IdempotencyRecord(string Scope, string Key, byte[] RequestHash, int StatusCode, string ResponseBody, DateTimeOffset CreatedAt);
