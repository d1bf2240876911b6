using SmallChange.Adapters.Storage;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Privacy;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// Personal data at rest (0013_pii.sql, docs/privacy.md) on every backend: what the columns hold, lookups through keyed
/// indexes, rows from before encryption sealed on first open, rotation, and a ring that is not the database's.
/// </summary>
public abstract class PrivacyContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private const string Name = "Zebulon Quistgaard-Pii";
    private const string Account = "987654321012";
    private const string Email = "zebulon.pii@example.org";

    private readonly ManualClock _clock = new();
    private readonly List<IStore> _stores = [];
    private IStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await backend.Create(_clock);
        _stores.Add(_store);
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _stores)
        {
            await s.DisposeAsync();
        }
    }

    private PersonalData Pii => ((IPersonalDataStore)_store).PersonalData;

    private async Task<(Holder Holder, Destination Destination, PortalUser User, KycSubmission Kyc)> Plant(IStore? store = null)
    {
        store ??= _store;
        var holder = new Holder(HolderId.New(), "pii-" + Guid.NewGuid().ToString("N"), new PersonName(Name), "US", HolderStatus.Active, 0, _clock.GetUtcNow());
        var v = DestinationValidator.Validate(new DestinationInput
        {
            Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = Name, RoutingNumber = "021000021", AccountNumber = Account,
        }).Value;
        var destination = Destination.From(DestinationId.New(), holder.Id, v, "US", Currencies.USD, _clock.GetUtcNow());
        var email = Guid.NewGuid().ToString("N")[..6] + Email;
        var user = new PortalUser(PortalUserId.New(), holder.Id, new EmailAddress(email), email.ToUpperInvariant(), false, "hash", "stamp", "c-1",
            true, null, 0, false, null, null, _clock.GetUtcNow());
        var identity = IdentityData.Create(
            new IdentityInput(Name, "1977-03-29", "US", new AddressInput("4417 Quistgaard Lane", null, "Springfield", null, "62704", "US"), "passport", "Q7654321", null, null),
            1, _clock.GetUtcNow()).Value;
        var kyc = new KycSubmission(KycSubmissionId.New(), holder.Id, 1, identity, KycStatus.Pending, "manual", "test", _clock.GetUtcNow(), null, null, null);
        await store.WriteAsync(async tx =>
        {
            await tx.InsertHolder(holder);
            await tx.InsertDestination(destination);
            await tx.InsertPortalUser(user);
            await tx.InsertKycSubmission(kyc);
            return 0;
        });
        return (holder, destination, user, kyc);
    }

    /// <summary>Every personal-data column as stored, and every index column.</summary>
    private async Task<List<string?>> AtRest(IStore store)
    {
        var values = new List<string?>();
        foreach (var sql in (string[])[
                     "SELECT name FROM holders", "SELECT value FROM destinations", "SELECT account_holder_name FROM destinations",
                     "SELECT institution FROM destinations", "SELECT fingerprint FROM destinations", "SELECT email FROM portal_users",
                     "SELECT normalized_email FROM portal_users", "SELECT email_index FROM portal_users", "SELECT identity FROM kyc_submissions"])
        {
            values.AddRange(await backend.RawColumn(store, sql));
        }

        return values;
    }

    private static void AssertNoPlainText(IEnumerable<string?> values, params string[] planted)
    {
        foreach (var v in values.OfType<string>())
        {
            foreach (var p in planted)
            {
                Assert.DoesNotContain(p, v, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    private async Task AssertReadsBack(IStore store, (Holder Holder, Destination Destination, PortalUser User, KycSubmission Kyc) planted)
    {
        Assert.Equal(planted.Holder, await store.ReadAsync(r => r.GetHolder(planted.Holder.Id)));
        Assert.Equal(planted.Destination, await store.ReadAsync(r => r.GetDestination(planted.Destination.Id)));
        Assert.Equal(planted.User, await store.ReadAsync(r => r.FindPortalUserByEmail(planted.User.NormalizedEmail)));
        Assert.Equal(planted.Kyc.Identity, (await store.ReadAsync(r => r.GetKycSubmission(planted.Kyc.Id)))!.Identity);
        Assert.NotEqual(0, await store.ReadAsync(r => r.OtherHoldersOnDestination(planted.Destination.Fingerprint, HolderId.New())));
    }

    [Fact]
    public async Task Write_PersonalData_SealedAtRestAndReadBackUnchanged()
    {
        var planted = await Plant();

        var atRest = await AtRest(_store);
        AssertNoPlainText(atRest, Name, Account, Email, "Quistgaard", "1977-03-29", "Q7654321", "021000021", planted.Destination.Fingerprint);
        Assert.All((await backend.RawColumn(_store, "SELECT name FROM holders")).Concat(await backend.RawColumn(_store, "SELECT value FROM destinations")),
            v => Assert.StartsWith(PiiKeyRing.Prefix + Pii.Ring.PrimaryId + ".", v));
        Assert.Equal([Pii.EmailIndex(planted.User.NormalizedEmail)], await backend.RawColumn(_store, "SELECT email_index FROM portal_users"));
        Assert.Equal([Pii.FingerprintIndex(planted.Destination.Fingerprint)], await backend.RawColumn(_store, "SELECT fingerprint FROM destinations"));
        await AssertReadsBack(_store, planted);
    }

    [Fact]
    public async Task SealedValue_MovedToAnotherColumn_DoesNotOpen()
    {
        var planted = await Plant();

        // The column name is authenticated: a holder's sealed name pasted over a destination's account holder name fails.
        await backend.Tamper(_store, "UPDATE destinations SET account_holder_name = (SELECT name FROM holders)");

        await Assert.ThrowsAsync<PiiUnreadableException>(() => _store.ReadAsync(r => r.GetDestination(planted.Destination.Id)));
    }

    [Fact]
    public async Task FirstOpen_RowsFromBeforeEncryption_ReadableThenSealedWithIndexes()
    {
        var planted = await Plant();
        // A database as it was before 0010: plain text, the unkeyed fingerprint, no e-mail index, and the pass not yet run.
        var h = planted.Holder;
        var d = planted.Destination;
        await backend.Tamper(_store,
            $"UPDATE holders SET name = '{Name}'; " +
            $"UPDATE destinations SET value = '{d.Value}', institution = '{d.Institution}', account_holder_name = '{Name}', fingerprint = '{d.Fingerprint}'; " +
            $"UPDATE portal_users SET email = '{planted.User.Email.Value}', normalized_email = '{planted.User.NormalizedEmail}', email_index = NULL; " +
            $"UPDATE kyc_submissions SET identity = '{IdentityJson.Write(planted.Kyc.Identity).Replace("'", "''", StringComparison.Ordinal)}'; " +
            "UPDATE pii_state SET value = '0' WHERE name = 'legacy_sealed'");
        Assert.Equal(h, await _store.ReadAsync(r => r.GetHolder(h.Id)));
        Assert.Equal(planted.Kyc.Identity, (await _store.ReadAsync(r => r.GetKycSubmission(planted.Kyc.Id)))!.Identity);

        var reopened = await backend.Reopen(_store, _clock);
        _stores.Add(reopened);

        AssertNoPlainText(await AtRest(reopened), Name, Account, Email, "Quistgaard", d.Fingerprint);
        Assert.Equal(["1"], await backend.RawColumn(reopened, "SELECT value FROM pii_state WHERE name = 'legacy_sealed'"));
        await AssertReadsBack(reopened, planted);
        Assert.Equal(new Dictionary<string, long> { [Pii.Ring.PrimaryId] = 7 }, await ((IPersonalDataStore)reopened).CountByKeyAsync());
    }

    [Fact]
    public async Task Reseal_AfterRotation_EveryValueUnderNewKeyAndResumable()
    {
        var before = await Plant();
        var oldKey = Pii.Ring.PrimaryId;
        var rotated = new PersonalData(Pii.Ring.Rotate(_clock.GetUtcNow()));
        var next = await backend.Reopen(_store, _clock, rotated);
        _stores.Add(next);

        // Batches of one row, as a crash between batches would leave them: a mix of keys, every row readable.
        var report = await ((IPersonalDataStore)next).ResealAsync(plainOnly: false, batchSize: 1);
        Assert.Equal(1, report.Rows["holders"]);
        Assert.Equal(1, report.Rows["destinations"]);
        Assert.Equal(1, report.Rows["portal_users"]);
        Assert.Equal(1, report.Rows["kyc_submissions"]);
        // A node that still seals with the old key meanwhile.
        var late = await Plant(_store);
        var counts = await ((IPersonalDataStore)next).CountByKeyAsync();
        Assert.Equal(7, counts[rotated.Ring.PrimaryId]);
        Assert.Equal(7, counts[oldKey]);
        await AssertReadsBack(next, before);
        await AssertReadsBack(next, late);

        var again = await ((IPersonalDataStore)next).ResealAsync(plainOnly: false);
        Assert.Equal(4, again.Total - again.Rows["data_protection_keys"] - again.Rows["sandbox_payments"]);
        Assert.False((await ((IPersonalDataStore)next).CountByKeyAsync()).ContainsKey(oldKey));
        Assert.Equal(0, (await ((IPersonalDataStore)next).ResealAsync(plainOnly: false)).Total);

        // With the old key retired, everything still opens.
        var retired = await backend.Reopen(_store, _clock, new PersonalData(rotated.Ring.Retire(oldKey)));
        _stores.Add(retired);
        await AssertReadsBack(retired, before);
        Assert.Equal(late.Holder, await retired.ReadAsync(r => r.GetHolder(late.Holder.Id)));
    }

    [Fact]
    public async Task Open_WithAnotherRing_RefusedBeforeWritingAnything()
    {
        await Plant();

        var e = await Assert.ThrowsAsync<PiiKeyFileException>(() => backend.Reopen(_store, _clock, new PersonalData(PiiKeyRing.Generate(_clock.GetUtcNow()))));

        Assert.Contains("does not belong to this database", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ValueUnderKeyAddedLater_ReloadsTheRing()
    {
        var rotatedRing = Pii.Ring.Rotate(_clock.GetUtcNow());
        var writer = await backend.Reopen(_store, _clock, new PersonalData(rotatedRing));
        _stores.Add(writer);
        var planted = await Plant(writer);

        // A node opened before the rotation reads the key file again when a value names a key it has not seen.
        var reloads = 0;
        var node = await backend.Reopen(_store, _clock, new PersonalData(Pii.Ring, reload: () => { reloads++; return rotatedRing; }));
        _stores.Add(node);

        Assert.Equal(planted.Holder, await node.ReadAsync(r => r.GetHolder(planted.Holder.Id)));
        Assert.Equal(1, reloads);
    }
}

public sealed class SqlitePrivacyContractTests() : PrivacyContractTests(new SqliteBackend());

public sealed class PostgresPrivacyContractTests() : PrivacyContractTests(new PostgresBackend());
