using System.Collections.Concurrent;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Ledger;

/// <summary>
/// Maps account keys to ids, creating accounts in their own committed transaction so that a cached id
/// always names an account that exists (accounts are never deleted, so the cache never goes stale).
/// </summary>
public sealed class AccountDirectory(IStore store)
{
    private readonly ConcurrentDictionary<AccountKey, Common.AccountId> _ids = new();

    public async ValueTask<IReadOnlyDictionary<AccountKey, Common.AccountId>> Resolve(IEnumerable<AccountKey> keys, CancellationToken ct = default)
    {
        var result = new Dictionary<AccountKey, Common.AccountId>();
        List<AccountKey>? missing = null;
        foreach (var key in keys)
        {
            if (result.ContainsKey(key))
            {
                continue;
            }

            if (_ids.TryGetValue(key, out var id))
            {
                result[key] = id;
            }
            else
            {
                (missing ??= []).Add(key);
            }
        }

        if (missing is not null)
        {
            var created = await store.WriteAsync(async tx =>
            {
                var list = new List<Account>(missing.Count);
                foreach (var key in missing.Distinct())
                {
                    list.Add(await tx.EnsureAccount(key));
                }

                return list;
            }, ct);
            foreach (var a in created)
            {
                _ids[a.Key] = a.Id;
                result[a.Key] = a.Id;
            }
        }

        return result;
    }

    /// <summary>The id of an account this directory has already resolved, without I/O (false if it has not seen the key yet).</summary>
    public bool TryGet(AccountKey key, out Common.AccountId id) => _ids.TryGetValue(key, out id);

    public async ValueTask<Common.AccountId> Resolve(AccountKey key, CancellationToken ct = default) =>
        (await Resolve([key], ct))[key];
}
