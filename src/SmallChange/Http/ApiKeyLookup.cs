using System.Collections.Concurrent;
using SmallChange.Core.Access;
using SmallChange.Core.Ports;

namespace SmallChange.Http;

/// <summary>
/// Finds and checks the key an API request presents: one read by primary key, or none while this node holds the record
/// from a read less than <see cref="ApiSecurityOptions.KeyCacheFor"/> ago. A presented secret that does not match a
/// cached record is checked once more against a fresh read, so a key rotated on another node works here at once; a key
/// revoked on another node stops working here within the cache time at most (the stated bound), and at once on the
/// node that revoked it (<see cref="Forget"/>). Unknown key ids are not cached.
/// </summary>
public sealed class ApiKeyLookup(IStore store, ApiSecurityOptions options, TimeProvider clock)
{
    /// <summary>Enough for every key a deployment has; past it the cache starts over rather than grow.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyRecord Record, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The key record when <paramref name="presented"/> is a valid, unrevoked key; otherwise null.</summary>
    public async ValueTask<ApiKeyRecord?> Authenticate(string presented, CancellationToken ct)
    {
        if (ApiKeys.Parse(presented) is not { } parsed)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (options.KeyCacheFor > TimeSpan.Zero && _cache.TryGetValue(parsed.KeyId, out var hit) && now < hit.Until && ApiKeys.Verify(hit.Record, parsed.Secret, now))
        {
            return hit.Record;
        }

        var record = await store.ReadAsync(r => r.FindApiKey(parsed.KeyId), ct);
        if (record is null)
        {
            _cache.TryRemove(parsed.KeyId, out _);
            return null;
        }

        if (options.KeyCacheFor > TimeSpan.Zero)
        {
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            _cache[parsed.KeyId] = (record, now + options.KeyCacheFor);
        }

        return ApiKeys.Verify(record, parsed.Secret, now) ? record : null;
    }

    /// <summary>Drops this node's copy of a key (after it was rotated or revoked here).</summary>
    public void Forget(string keyId) => _cache.TryRemove(keyId, out _);
}
