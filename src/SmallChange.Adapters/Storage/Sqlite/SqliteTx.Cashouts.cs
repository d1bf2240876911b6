using System.Text.Json;
using Microsoft.Data.Sqlite;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Destinations;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

internal sealed partial class SqliteTx
{
    private static Currency Cur(string code) => Currencies.Find(code) ?? throw new InvalidDataException("unknown currency in store");

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    // ---- holders -------------------------------------------------------------------------------

    public ValueTask SetHolderKycTier(HolderId holder, int tier)
    {
        Cmd("UPDATE holders SET kyc_tier = $p1 WHERE id = $p0", ToBytes(holder.Value), tier).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    // ---- quotes --------------------------------------------------------------------------------

    public ValueTask InsertQuote(StoredQuote q)
    {
        Cmd("INSERT INTO quotes (id, holder_id, body, created_at, expires_at) VALUES ($p0, $p1, $p2, $p3, $p4)",
            ToBytes(q.Id.Value), ToBytes(q.Holder.Value), JsonSerializer.Serialize(q.Draft, QuoteJson.Options), ToMicros(q.CreatedAt), ToMicros(q.ExpiresAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<StoredQuote?> GetQuote(QuoteId id)
    {
        using var r = Cmd("SELECT id, holder_id, body, created_at, expires_at FROM quotes WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read()
            ? new StoredQuote(id, new HolderId(ToGuid((byte[])r[1])), JsonSerializer.Deserialize<QuoteDraft>(r.GetString(2), QuoteJson.Options)!,
                FromMicros(r.GetInt64(3)), FromMicros(r.GetInt64(4)))
            : null);
    }

    // ---- destinations --------------------------------------------------------------------------

    private Destination ReadDestination(SqliteDataReader r)
    {
        var kind = (DestinationKind)r.GetInt32(2);
        var (value, institution, name, fingerprint) = pii.OpenDestination(kind, r.GetString(3), r.GetString(8), NullableString(r, 9), NullableString(r, 10));
        return new(
            new DestinationId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), kind, r.GetString(3),
            r.GetString(4), Cur(r.GetString(5)), r.GetString(6), fingerprint, value, institution, name,
            NullableString(r, 11), NullableString(r, 12), FromMicros(r.GetInt64(13)));
    }

    public ValueTask InsertDestination(Destination d)
    {
        Cmd($"INSERT INTO destinations ({DestinationColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13)",
            ToBytes(d.Id.Value), ToBytes(d.Holder.Value), (int)d.Kind, d.SubType, d.Country, d.Currency.Code, d.Masked, pii.FingerprintIndex(d.Fingerprint),
            pii.Seal(d.Value, PersonalData.DestinationValue), pii.SealOrNull(d.Institution, PersonalData.DestinationInstitution),
            pii.SealOrNull(d.AccountHolderName, PersonalData.DestinationAccountHolderName), d.Network, d.Asset, ToMicros(d.CreatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<Destination?> GetDestination(DestinationId id)
    {
        using var r = Cmd($"SELECT {DestinationColumns} FROM destinations WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadDestination(r) : null);
    }

    public ValueTask<Page<Destination>> ListDestinations(HolderId holder, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<Destination>(limit);
        using (var r = Cmd($"SELECT {DestinationColumns} FROM destinations WHERE holder_id = $p0 AND id < $p1 ORDER BY id DESC LIMIT $p2",
                   ToBytes(holder.Value), before, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadDestination(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, d => Cursor.FromBytes(ToBytes(d.Id.Value))));
    }

    private static readonly byte[] MaxId = Enumerable.Repeat((byte)0xff, 16).ToArray();

    // ---- cash-outs -----------------------------------------------------------------------------

    private static Cashout ReadCashout(SqliteDataReader r)
    {
        var currency = Cur(r.GetString(7));
        return new Cashout(
            new CashoutId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), new QuoteId(ToGuid((byte[])r[2])),
            new DestinationId(ToGuid((byte[])r[3])), r.GetString(4), PayoutMethods.FromWireName(r.GetString(5)) ?? throw new InvalidDataException("unknown method"),
            CashoutStates.FromWire(r.GetString(6)) ?? throw new InvalidDataException("unknown state"),
            new Money(r.GetInt64(8), currency), new Money(r.GetInt64(9), currency), new Money(r.GetInt64(11), Cur(r.GetString(10))),
            JsonSerializer.Deserialize<QuoteOption>(r.GetString(12), QuoteJson.Options)!,
            JsonSerializer.Deserialize<List<CheckResult>>(r.GetString(13), QuoteJson.Options)!,
            r.IsDBNull(14) ? null : new TransferId(ToGuid((byte[])r[14])), NullableString(r, 15), NullableString(r, 16),
            FromMicros(r.GetInt64(17)), FromMicros(r.GetInt64(18)));
    }

    public ValueTask InsertCashout(Cashout c)
    {
        Cmd($"INSERT INTO cashouts ({CashoutColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15, $p16, $p17, $p18)",
            ToBytes(c.Id.Value), ToBytes(c.Holder.Value), ToBytes(c.Quote.Value), ToBytes(c.Destination.Value), c.ProviderId, c.Method.ToWireName(),
            c.State.ToWire(), c.Gross.Currency.Code, c.Gross.Units, c.Fee.Units, c.Net.Currency.Code, c.Net.Units,
            JsonSerializer.Serialize(c.Option, QuoteJson.Options), JsonSerializer.Serialize(c.Checks, QuoteJson.Options),
            c.HoldTransfer is { } h ? ToBytes(h.Value) : null, c.ProviderRef, c.FailureReason, ToMicros(c.CreatedAt), ToMicros(c.UpdatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<Cashout?> GetCashout(CashoutId id)
    {
        using var r = Cmd($"SELECT {CashoutColumns} FROM cashouts WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadCashout(r) : null);
    }

    public ValueTask<Page<Cashout>> ListCashouts(HolderId? holder, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<Cashout>(limit);
        using (var r = (holder is { } h
                   ? Cmd($"SELECT {CashoutColumns} FROM cashouts WHERE holder_id = $p0 AND id < $p1 ORDER BY id DESC LIMIT $p2", ToBytes(h.Value), before, limit + 1)
                   : Cmd($"SELECT {CashoutColumns} FROM cashouts WHERE id < $p0 ORDER BY id DESC LIMIT $p1", before, limit + 1)).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadCashout(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, c => Cursor.FromBytes(ToBytes(c.Id.Value))));
    }

    public ValueTask<IReadOnlyList<Cashout>> ListCashoutsInState(CashoutState state, DateTimeOffset updatedSince, int limit)
    {
        var list = new List<Cashout>();
        using var r = Cmd($"SELECT {CashoutColumns} FROM cashouts WHERE state = $p0 AND updated_at >= $p1 ORDER BY updated_at LIMIT $p2",
            state.ToWire(), updatedSince == DateTimeOffset.MinValue ? long.MinValue : ToMicros(updatedSince), limit).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadCashout(r));
        }

        return ValueTask.FromResult<IReadOnlyList<Cashout>>(list);
    }

    public ValueTask<bool> TransitionCashout(CashoutId id, CashoutState from, CashoutState to, string? reason, string? providerRef, DateTimeOffset at)
    {
        var changed = Cmd("UPDATE cashouts SET state = $p2, updated_at = $p3, failure_reason = COALESCE($p4, failure_reason), provider_ref = COALESCE($p5, provider_ref) WHERE id = $p0 AND state = $p1",
            ToBytes(id.Value), from.ToWire(), to.ToWire(), ToMicros(at), reason, providerRef).ExecuteNonQuery() == 1;
        if (changed)
        {
            var next = (long)Cmd("SELECT COALESCE(MAX(seq), 0) + 1 FROM cashout_events WHERE cashout_id = $p0", ToBytes(id.Value)).ExecuteScalar()!;
            Cmd("INSERT INTO cashout_events (cashout_id, seq, state, reason, at) VALUES ($p0, $p1, $p2, $p3, $p4)",
                ToBytes(id.Value), next, to.ToWire(), reason, ToMicros(at)).ExecuteNonQuery();
        }

        return ValueTask.FromResult(changed);
    }

    public ValueTask InsertCashoutEvent(CashoutEvent e)
    {
        Cmd("INSERT INTO cashout_events (cashout_id, seq, state, reason, at) VALUES ($p0, $p1, $p2, $p3, $p4)",
            ToBytes(e.Cashout.Value), e.Sequence, e.State.ToWire(), e.Reason, ToMicros(e.At)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<CashoutEvent>> ListCashoutEvents(CashoutId id)
    {
        var list = new List<CashoutEvent>();
        using var r = Cmd("SELECT seq, state, reason, at FROM cashout_events WHERE cashout_id = $p0 ORDER BY seq", ToBytes(id.Value)).ExecuteReader();
        while (r.Read())
        {
            list.Add(new CashoutEvent(id, r.GetInt32(0), CashoutStates.FromWire(r.GetString(1))!.Value, NullableString(r, 2), FromMicros(r.GetInt64(3))));
        }

        return ValueTask.FromResult<IReadOnlyList<CashoutEvent>>(list);
    }

    // ---- outbox --------------------------------------------------------------------------------

    public ValueTask InsertOutbox(CashoutId cashout, DateTimeOffset dueAt)
    {
        Cmd("INSERT INTO outbox (cashout_id, due_at) VALUES ($p0, $p1)", ToBytes(cashout.Value), ToMicros(dueAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<OutboxItem>> ClaimOutbox(DateTimeOffset now, TimeSpan lease, int limit)
    {
        var list = new List<OutboxItem>();
        var n = ToMicros(now);
        using var r = Cmd(
            "UPDATE outbox SET claimed_until = $p1, attempts = attempts + 1 WHERE id IN (" +
            "SELECT id FROM outbox WHERE done_at IS NULL AND due_at <= $p0 AND (claimed_until IS NULL OR claimed_until <= $p0) ORDER BY due_at LIMIT $p2) " +
            "RETURNING id, cashout_id, attempts, due_at",
            n, ToMicros(now + lease), limit).ExecuteReader();
        while (r.Read())
        {
            list.Add(new OutboxItem(r.GetInt64(0), new CashoutId(ToGuid((byte[])r[1])), r.GetInt32(2), FromMicros(r.GetInt64(3))));
        }

        return ValueTask.FromResult<IReadOnlyList<OutboxItem>>(list);
    }

    public ValueTask CompleteOutbox(long id, DateTimeOffset at)
    {
        Cmd("UPDATE outbox SET done_at = $p1, claimed_until = NULL WHERE id = $p0", id, ToMicros(at)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask RetryOutbox(long id, DateTimeOffset dueAt, string error)
    {
        Cmd("UPDATE outbox SET due_at = $p1, claimed_until = NULL, last_error = $p2 WHERE id = $p0", id, ToMicros(dueAt), error).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    // ---- sandbox provider side -----------------------------------------------------------------

    private static SandboxPayment ReadSandbox(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), new CashoutId(ToGuid((byte[])r[2])), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetInt32(6),
        r.GetString(7), FromMicros(r.GetInt64(8)), FromMicros(r.GetInt64(9)), r.IsDBNull(10) ? null : FromMicros(r.GetInt64(10)));

    public ValueTask<SandboxPayment> SandboxReceive(SandboxPayment p)
    {
        Cmd($"INSERT INTO sandbox_payments ({SandboxColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, 1, $p6, $p7, $p8, $p9) " +
            "ON CONFLICT (provider_id, idempotency_key) DO UPDATE SET deliveries = deliveries + 1",
            p.ProviderId, p.IdempotencyKey, ToBytes(p.Cashout.Value), p.NetUnits, p.Currency, pii.FingerprintIndex(p.DestinationFingerprint), p.Outcome,
            ToMicros(p.ReceivedAt), ToMicros(p.SettleAt), p.ReturnAt is { } ra ? ToMicros(ra) : null).ExecuteNonQuery();
        using var r = Cmd($"SELECT {SandboxColumns} FROM sandbox_payments WHERE provider_id = $p0 AND idempotency_key = $p1", p.ProviderId, p.IdempotencyKey).ExecuteReader();
        r.Read();
        return ValueTask.FromResult(ReadSandbox(r));
    }

    public ValueTask<SandboxPayment?> GetSandboxPayment(string providerId, string idempotencyKey)
    {
        using var r = Cmd($"SELECT {SandboxColumns} FROM sandbox_payments WHERE provider_id = $p0 AND idempotency_key = $p1", providerId, idempotencyKey).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadSandbox(r) : null);
    }

    public ValueTask<IReadOnlyList<SandboxPayment>> ListSandboxPayments()
    {
        var list = new List<SandboxPayment>();
        using var r = Cmd($"SELECT {SandboxColumns} FROM sandbox_payments ORDER BY received_at").ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadSandbox(r));
        }

        return ValueTask.FromResult<IReadOnlyList<SandboxPayment>>(list);
    }
}
