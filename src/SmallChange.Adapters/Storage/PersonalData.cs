using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Privacy;

namespace SmallChange.Adapters.Storage;

/// <summary>
/// The one place where both stores turn personal data into column values and back (docs/privacy.md). Every column that
/// holds a name, an account number, an address, a birth date or an e-mail address is sealed with the ring's primary
/// key (<see cref="PiiKeyRing.Protect"/>, the column's name as authenticated data) and opened on read; equality lookups
/// go through keyed indexes (<see cref="PiiKeyRing.Index"/>), never through a plain hash.
/// A value that is not in the sealed format is text written before encryption existed (a database from before
/// <c>0013_pii.sql</c>) and is read as it is, so a row is readable in its old form or its new one, never neither;
/// <see cref="SealedTables"/> lists what the first open after the migration seals and what <c>smallchange keys rotate</c>
/// re-seals.
/// </summary>
public sealed class PersonalData
{
    public const string HolderName = "holders.name";
    public const string DestinationValue = "destinations.value";
    public const string DestinationInstitution = "destinations.institution";
    public const string DestinationAccountHolderName = "destinations.account_holder_name";
    public const string DestinationFingerprint = "destinations.fingerprint";
    public const string KycIdentity = "kyc_submissions.identity";
    public const string PortalEmail = "portal_users.email";
    public const string PortalNormalizedEmail = "portal_users.normalized_email";
    public const string PortalEmailIndex = "portal_users.email_index";
    public const string DataProtectionKeyXml = "data_protection_keys.xml";

    /// <summary>How often <see cref="Seal"/> asks whether the key file changed (a rotation by another process).</summary>
    private const long PollMilliseconds = 5_000;

    private readonly Func<PiiKeyRing?>? _reload;
    private readonly Func<PiiKeyRing?>? _poll;
    private readonly Lock _reloadLock = new();
    private volatile PiiKeyRing _ring;
    private long _nextPoll;

    /// <param name="ring">The key ring.</param>
    /// <param name="reload">
    /// Reads the ring again (from its key file): called once when a value names a key this ring does not hold, which
    /// happens on a running node after another process (<c>smallchange keys rotate</c>) added a key to the shared file.
    /// </param>
    /// <param name="poll">
    /// The ring from the key file if the file changed since it was last read, else null: asked at most every few
    /// seconds before sealing, so that a running node seals with the new primary key soon after a rotation.
    /// </param>
    public PersonalData(PiiKeyRing ring, Func<PiiKeyRing?>? reload = null, Func<PiiKeyRing?>? poll = null)
    {
        _ring = ring;
        _reload = reload;
        _poll = poll;
        _nextPoll = Environment.TickCount64 + PollMilliseconds;
    }

    /// <summary>The ring in use (after any reload).</summary>
    public PiiKeyRing Ring => _ring;

    /// <summary>A ring that lives only in memory: for tests and tools that never reopen what they write.</summary>
    public static PersonalData Ephemeral() => new(PiiKeyRing.Generate(DateTimeOffset.UtcNow));

    public override string ToString() => $"PersonalData {{ {_ring} }}";

    // ---- sealing and opening ---------------------------------------------------------------------

    public string Seal(string value, string field)
    {
        if (_poll is not null && Environment.TickCount64 >= Interlocked.Read(ref _nextPoll))
        {
            Poll();
        }

        return _ring.Protect(value, field);
    }

    private void Poll()
    {
        lock (_reloadLock)
        {
            if (Environment.TickCount64 < _nextPoll)
            {
                return;
            }

            _nextPoll = Environment.TickCount64 + PollMilliseconds;
            if (_poll!() is { } fresh && SameIndexKey(fresh, _ring))
            {
                _ring = fresh;
            }
        }
    }

    public string? SealOrNull(string? value, string field) => value is null ? null : Seal(value, field);

    /// <summary>Opens a stored value of <paramref name="field"/>; text written before encryption is returned as it is.</summary>
    public string Open(string stored, string field)
    {
        if (!PiiKeyRing.IsProtected(stored))
        {
            return stored;
        }

        var ring = _ring;
        try
        {
            return ring.Unprotect(stored, field);
        }
        catch (PiiUnreadableException) when (_reload is not null && PiiKeyRing.KeyIdOf(stored) is { } keyId && !ring.Keys.Any(k => k.Id == keyId))
        {
            lock (_reloadLock)
            {
                if (!_ring.Keys.Any(k => k.Id == keyId) && _reload() is { } fresh && SameIndexKey(fresh, _ring))
                {
                    _ring = fresh;
                }
            }

            return _ring.Unprotect(stored, field);
        }
    }

    /// <summary>A key file replaced by another ring altogether (another index key) is not taken up by a running store.</summary>
    private static bool SameIndexKey(PiiKeyRing a, PiiKeyRing b) => a.Index("smallchange", "pii_state.ring_check") == b.Index("smallchange", "pii_state.ring_check");

    /// <summary>The value a database records for the ring it was written with (<c>pii_state.ring_check</c>).</summary>
    public string RingCheck => _ring.Index("smallchange", "pii_state.ring_check");

    public string? OpenOrNull(string? stored, string field) => stored is null ? null : Open(stored, field);

    // ---- typed helpers ---------------------------------------------------------------------------

    public string SealHolderName(PersonName name) => Seal(name.Value, HolderName);

    public PersonName OpenHolderName(string stored) => new(Open(stored, HolderName));

    public string SealIdentity(IdentityData identity) => Seal(IdentityJson.Write(identity), KycIdentity);

    public IdentityData OpenIdentity(string stored) => IdentityJson.Read(Open(stored, KycIdentity));

    /// <summary>The keyed lookup value of a normalised e-mail address (<c>portal_users.email_index</c>).</summary>
    public string EmailIndex(string normalizedEmail) => _ring.Index(normalizedEmail, PortalEmailIndex);

    /// <summary>
    /// The keyed form of a destination fingerprint as stored (<c>destinations.fingerprint</c>, <c>sandbox_payments.fingerprint</c>):
    /// equal for equal accounts, but not reversible by enumerating account numbers without the index key.
    /// </summary>
    public string FingerprintIndex(string fingerprint) => _ring.Index(fingerprint, DestinationFingerprint);

    /// <summary>
    /// A destination as read: its sealed columns opened, and its in-memory <see cref="Destination.Fingerprint"/> computed
    /// again from them (the column holds only the keyed form).
    /// </summary>
    public (string Value, string? Institution, string? AccountHolderName, string Fingerprint) OpenDestination(
        DestinationKind kind, string subType, string value, string? institution, string? accountHolderName)
    {
        var v = Open(value, DestinationValue);
        var i = OpenOrNull(institution, DestinationInstitution);
        return (v, i, OpenOrNull(accountHolderName, DestinationAccountHolderName), ValidatedDestination.FingerprintOf(kind, subType, i, v));
    }

    // ---- what is sealed where: the first-open pass and rotation ----------------------------------

    /// <summary>
    /// Every table with sealed columns. <see cref="SealedTable.Key"/> orders the batches. <see cref="SealedTable.Legacy"/>
    /// fills the index columns of a row written before encryption (its sealed columns still plain text).
    /// </summary>
    public static readonly IReadOnlyList<SealedTable> SealedTables =
    [
        new("holders", "id", [new("name", HolderName)], []),
        new("destinations", "id",
            [new("value", DestinationValue), new("institution", DestinationInstitution), new("account_holder_name", DestinationAccountHolderName)],
            [new("fingerprint", LegacyIndex.DestinationFingerprint)]),
        new("kyc_submissions", "id", [new("identity", KycIdentity)], []),
        new("portal_users", "id", [new("email", PortalEmail), new("normalized_email", PortalNormalizedEmail)],
            [new("email_index", LegacyIndex.EmailFromNormalized)]),
        new("data_protection_keys", "name", [new("xml", DataProtectionKeyXml)], []),
    ];

    /// <summary>
    /// The new values of one row for <see cref="SealedTables"/>: sealed columns (in order) under the primary key, then
    /// the index columns. <paramref name="sealedValues"/> and <paramref name="indexValues"/> are as stored.
    /// </summary>
    public (string?[] Sealed, string?[] Index) Reseal(SealedTable table, IReadOnlyList<string?> sealedValues, IReadOnlyList<string?> indexValues)
    {
        var plain = new string?[table.Sealed.Count];
        var legacy = false;
        for (var i = 0; i < plain.Length; i++)
        {
            if (sealedValues[i] is { } s && !PiiKeyRing.IsProtected(s))
            {
                legacy = true;
            }

            plain[i] = OpenOrNull(sealedValues[i], table.Sealed[i].Field);
        }

        var sealedOut = new string?[plain.Length];
        for (var i = 0; i < plain.Length; i++)
        {
            sealedOut[i] = SealOrNull(plain[i], table.Sealed[i].Field);
        }

        var indexOut = new string?[table.Index.Count];
        for (var i = 0; i < indexOut.Length; i++)
        {
            indexOut[i] = table.Index[i].Kind switch
            {
                // The stored fingerprint of a legacy row is the unkeyed SHA-256 (64 hex digits); a keyed one is 22 characters.
                LegacyIndex.DestinationFingerprint when legacy || indexValues[i] is { Length: 64 } => FingerprintIndex(indexValues[i]!),
                LegacyIndex.EmailFromNormalized when legacy || indexValues[i] is null => EmailIndex(plain[1]!),
                _ => indexValues[i],
            };
        }

        return (sealedOut, indexOut);
    }

    /// <summary>
    /// The SQL condition (both dialects) selecting rows of <paramref name="table"/> with a value not sealed by the key
    /// whose stored prefix is <paramref name="prefixParameter"/> (a bound parameter holding <c>pii1.</c> to find plain
    /// text only, or <c>pii1.KEYID.</c> to find everything not under that key).
    /// </summary>
    public static string NeedsResealSql(SealedTable table, string prefixParameter) =>
        "(" + string.Join(" OR ", table.Sealed.Select(c =>
            $"({c.Column} IS NOT NULL AND substr({c.Column}, 1, length({prefixParameter})) <> {prefixParameter})")) + ")";

    /// <summary>The stored prefix of every value sealed with <paramref name="keyId"/>.</summary>
    public static string PrefixOf(string keyId) => PiiKeyRing.Prefix + keyId + ".";
}

/// <summary>A table with sealed columns: see <see cref="PersonalData.SealedTables"/>.</summary>
public sealed record SealedTable(string Table, string Key, IReadOnlyList<SealedColumn> Sealed, IReadOnlyList<IndexColumn> Index)
{
    /// <summary>Key, sealed columns, then index columns: the order both stores select and update them in.</summary>
    public IEnumerable<string> Columns => [Key, .. Sealed.Select(c => c.Column), .. Index.Select(c => c.Column)];
}

/// <summary>A sealed column and the field name it is sealed for (authenticated data).</summary>
public sealed record SealedColumn(string Column, string Field);

/// <summary>An index column derived from the sealed ones, filled for rows written before encryption.</summary>
public sealed record IndexColumn(string Column, LegacyIndex Kind);

public enum LegacyIndex
{
    /// <summary><c>destinations.fingerprint</c>: the unkeyed SHA-256 becomes its keyed form.</summary>
    DestinationFingerprint,

    /// <summary><c>portal_users.email_index</c>: the keyed hash of the normalised e-mail (the second sealed column).</summary>
    EmailFromNormalized,
}

/// <summary>What one pass over the sealed tables did.</summary>
/// <param name="Rows">Rows re-sealed per table.</param>
public sealed record ResealReport(IReadOnlyDictionary<string, long> Rows)
{
    public long Total => Rows.Values.Sum();

    public override string ToString() => string.Join(", ", Rows.Select(kv => $"{kv.Key} {kv.Value}"));
}

/// <summary>The personal-data side of a store: the first-open pass, rotation and the check before a key is retired.</summary>
public interface IPersonalDataStore
{
    PersonalData PersonalData { get; }

    /// <summary>
    /// Re-seals, in batches of <paramref name="batchSize"/> rows (one transaction each), every value not sealed under
    /// the primary key (<paramref name="plainOnly"/> false) or only those still in plain text (true). Idempotent and
    /// resumable: each row changes in one statement, so a crash leaves every row readable with the ring.
    /// </summary>
    Task<ResealReport> ResealAsync(bool plainOnly, int batchSize = 500, CancellationToken ct = default);

    /// <summary>How many stored values are sealed with each key id (plain text counted under "plain").</summary>
    Task<IReadOnlyDictionary<string, long>> CountByKeyAsync(CancellationToken ct = default);
}
