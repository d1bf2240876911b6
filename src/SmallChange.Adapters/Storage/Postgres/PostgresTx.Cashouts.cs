using System.Text.Json;
using Npgsql;
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

namespace SmallChange.Adapters.Storage.Postgres;

internal sealed partial class PostgresTx
{
    private static readonly Guid MaxGuid = new(Enumerable.Repeat((byte)0xff, 16).ToArray(), bigEndian: true);

    private static Guid? CursorGuid(string? cursor) => Cursor.ToBytes(cursor, 16) is { } b ? ToGuid(b) : null;

    // ---- holders -------------------------------------------------------------------------------

    public async ValueTask SetHolderKycTier(HolderId holder, int tier) =>
        await Exec("UPDATE holders SET kyc_tier = $2 WHERE id = $1", holder.Value, tier);

    // ---- quotes --------------------------------------------------------------------------------

    public async ValueTask InsertQuote(StoredQuote q) =>
        await Exec("INSERT INTO quotes (id, holder_id, body, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            q.Id.Value, q.Holder.Value, JsonSerializer.Serialize(q.Draft, QuoteJson.Options), Ts(q.CreatedAt), Ts(q.ExpiresAt));

    public async ValueTask<StoredQuote?> GetQuote(QuoteId id) =>
        await One(r => new StoredQuote(id, new HolderId(r.GetGuid(1)), JsonSerializer.Deserialize<QuoteDraft>(r.GetString(2), QuoteJson.Options)!, Time(r, 3), Time(r, 4)),
            "SELECT id, holder_id, body, created_at, expires_at FROM quotes WHERE id = $1", id.Value);

    // ---- destinations --------------------------------------------------------------------------

    private Destination ReadDestination(NpgsqlDataReader r)
    {
        var kind = (DestinationKind)r.GetInt32(2);
        var (value, institution, name, fingerprint) = pii.OpenDestination(kind, r.GetString(3), r.GetString(8), StringOrNull(r, 9), StringOrNull(r, 10));
        return new(
            new DestinationId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), kind, r.GetString(3),
            r.GetString(4), CurrencyOf(r.GetString(5)), r.GetString(6), fingerprint, value, institution, name,
            StringOrNull(r, 11), StringOrNull(r, 12), Time(r, 13));
    }

    public async ValueTask InsertDestination(Destination d) =>
        await Exec($"INSERT INTO destinations ({DestinationColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            d.Id.Value, d.Holder.Value, (int)d.Kind, d.SubType, d.Country, d.Currency.Code, d.Masked, pii.FingerprintIndex(d.Fingerprint),
            pii.Seal(d.Value, PersonalData.DestinationValue), pii.SealOrNull(d.Institution, PersonalData.DestinationInstitution),
            pii.SealOrNull(d.AccountHolderName, PersonalData.DestinationAccountHolderName), d.Network, d.Asset, Ts(d.CreatedAt));

    public async ValueTask<Destination?> GetDestination(DestinationId id) =>
        await One(ReadDestination, $"SELECT {DestinationColumns} FROM destinations WHERE id = $1", id.Value);

    public async ValueTask<Page<Destination>> ListDestinations(HolderId holder, string? cursor, int limit)
    {
        var list = await Many(ReadDestination, $"SELECT {DestinationColumns} FROM destinations WHERE holder_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            holder.Value, CursorGuid(cursor) ?? MaxGuid, limit + 1);
        return PageOf(list, limit, d => Cursor.FromBytes(ToBytes(d.Id.Value)));
    }

    // ---- cash-outs -----------------------------------------------------------------------------

    private static Cashout ReadCashout(NpgsqlDataReader r)
    {
        var currency = CurrencyOf(r.GetString(7));
        return new Cashout(
            new CashoutId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), new QuoteId(r.GetGuid(2)),
            new DestinationId(r.GetGuid(3)), r.GetString(4), PayoutMethods.FromWireName(r.GetString(5)) ?? throw new InvalidDataException("unknown method"),
            CashoutStates.FromWire(r.GetString(6)) ?? throw new InvalidDataException("unknown state"),
            new Money(r.GetInt64(8), currency), new Money(r.GetInt64(9), currency), new Money(r.GetInt64(11), CurrencyOf(r.GetString(10))),
            JsonSerializer.Deserialize<QuoteOption>(r.GetString(12), QuoteJson.Options)!,
            JsonSerializer.Deserialize<List<CheckResult>>(r.GetString(13), QuoteJson.Options)!,
            r.IsDBNull(14) ? null : new TransferId(r.GetGuid(14)), StringOrNull(r, 15), StringOrNull(r, 16),
            Time(r, 17), Time(r, 18));
    }

    public async ValueTask InsertCashout(Cashout c) =>
        await Exec($"INSERT INTO cashouts ({CashoutColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
            c.Id.Value, c.Holder.Value, c.Quote.Value, c.Destination.Value, c.ProviderId, c.Method.ToWireName(),
            c.State.ToWire(), c.Gross.Currency.Code, c.Gross.Units, c.Fee.Units, c.Net.Currency.Code, c.Net.Units,
            JsonSerializer.Serialize(c.Option, QuoteJson.Options), JsonSerializer.Serialize(c.Checks, QuoteJson.Options),
            GuidOrNull(c.HoldTransfer?.Value), c.ProviderRef, c.FailureReason, Ts(c.CreatedAt), Ts(c.UpdatedAt));

    public async ValueTask<Cashout?> GetCashout(CashoutId id) =>
        await One(ReadCashout, $"SELECT {CashoutColumns} FROM cashouts WHERE id = $1", id.Value);

    public async ValueTask<Page<Cashout>> ListCashouts(HolderId? holder, string? cursor, int limit)
    {
        var before = CursorGuid(cursor) ?? MaxGuid;
        var list = holder is { } h
            ? await Many(ReadCashout, $"SELECT {CashoutColumns} FROM cashouts WHERE holder_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3", h.Value, before, limit + 1)
            : await Many(ReadCashout, $"SELECT {CashoutColumns} FROM cashouts WHERE id < $1 ORDER BY id DESC LIMIT $2", before, limit + 1);
        return PageOf(list, limit, c => Cursor.FromBytes(ToBytes(c.Id.Value)));
    }

    public async ValueTask<IReadOnlyList<Cashout>> ListCashoutsInState(CashoutState state, DateTimeOffset updatedSince, int limit) =>
        updatedSince == DateTimeOffset.MinValue
            ? await Many(ReadCashout, $"SELECT {CashoutColumns} FROM cashouts WHERE state = $1 ORDER BY updated_at LIMIT $2", state.ToWire(), limit)
            : await Many(ReadCashout, $"SELECT {CashoutColumns} FROM cashouts WHERE state = $1 AND updated_at >= $2 ORDER BY updated_at LIMIT $3",
                state.ToWire(), Ts(updatedSince), limit);

    public async ValueTask<bool> TransitionCashout(CashoutId id, CashoutState from, CashoutState to, string? reason, string? providerRef, DateTimeOffset at)
    {
        // The conditional update locks the row: of two nodes moving the same cash-out, the second waits, re-checks the
        // state on the newest version and changes nothing.
        var changed = await Exec(
            "UPDATE cashouts SET state = $3, updated_at = $4, failure_reason = COALESCE($5, failure_reason), provider_ref = COALESCE($6, provider_ref) WHERE id = $1 AND state = $2",
            id.Value, from.ToWire(), to.ToWire(), Ts(at), reason, providerRef) == 1;
        if (changed)
        {
            await Exec("INSERT INTO cashout_events (cashout_id, seq, state, reason, at) " +
                       "SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM cashout_events WHERE cashout_id = $1",
                id.Value, to.ToWire(), reason, Ts(at));
        }

        return changed;
    }

    public async ValueTask InsertCashoutEvent(CashoutEvent e) =>
        await Exec("INSERT INTO cashout_events (cashout_id, seq, state, reason, at) VALUES ($1, $2, $3, $4, $5)",
            e.Cashout.Value, e.Sequence, e.State.ToWire(), e.Reason, Ts(e.At));

    public async ValueTask<IReadOnlyList<CashoutEvent>> ListCashoutEvents(CashoutId id) =>
        await Many(r => new CashoutEvent(id, r.GetInt32(0), CashoutStates.FromWire(r.GetString(1))!.Value, StringOrNull(r, 2), Time(r, 3)),
            "SELECT seq, state, reason, at FROM cashout_events WHERE cashout_id = $1 ORDER BY seq", id.Value);

    // ---- outbox --------------------------------------------------------------------------------

    public async ValueTask InsertOutbox(CashoutId cashout, DateTimeOffset dueAt) =>
        await Exec("INSERT INTO outbox (cashout_id, due_at) VALUES ($1, $2)", cashout.Value, Ts(dueAt));

    public async ValueTask<IReadOnlyList<OutboxItem>> ClaimOutbox(DateTimeOffset now, TimeSpan lease, int limit) =>
        // SKIP LOCKED: a node never waits for, nor takes, an item another node is claiming right now; the lease
        // (claimed_until) keeps it from others after that node commits, until the lease runs out.
        await Many(r => new OutboxItem(r.GetInt64(0), new CashoutId(r.GetGuid(1)), r.GetInt32(2), Time(r, 3)),
            "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1 WHERE id IN (" +
            "SELECT id FROM outbox WHERE done_at IS NULL AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1) " +
            "ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id, cashout_id, attempts, due_at",
            Ts(now), Ts(now + lease), limit);

    public async ValueTask CompleteOutbox(long id, DateTimeOffset at) =>
        await Exec("UPDATE outbox SET done_at = $2, claimed_until = NULL WHERE id = $1", id, Ts(at));

    public async ValueTask RetryOutbox(long id, DateTimeOffset dueAt, string error) =>
        await Exec("UPDATE outbox SET due_at = $2, claimed_until = NULL, last_error = $3 WHERE id = $1", id, Ts(dueAt), error);

    // ---- sandbox provider side -----------------------------------------------------------------

    private static SandboxPayment ReadSandbox(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), new CashoutId(r.GetGuid(2)), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetInt32(6),
        r.GetString(7), Time(r, 8), Time(r, 9), TimeOrNull(r, 10));

    public async ValueTask<SandboxPayment> SandboxReceive(SandboxPayment p) =>
        (await One(ReadSandbox,
            $"INSERT INTO sandbox_payments AS s ({SandboxColumns}) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10) " +
            $"ON CONFLICT (provider_id, idempotency_key) DO UPDATE SET deliveries = s.deliveries + 1 RETURNING {SandboxColumns}",
            p.ProviderId, p.IdempotencyKey, p.Cashout.Value, p.NetUnits, p.Currency, pii.FingerprintIndex(p.DestinationFingerprint), p.Outcome,
            Ts(p.ReceivedAt), Ts(p.SettleAt), TsOrNull(p.ReturnAt)))!;

    public async ValueTask<SandboxPayment?> GetSandboxPayment(string providerId, string idempotencyKey) =>
        await One(ReadSandbox, $"SELECT {SandboxColumns} FROM sandbox_payments WHERE provider_id = $1 AND idempotency_key = $2", providerId, idempotencyKey);

    public async ValueTask<IReadOnlyList<SandboxPayment>> ListSandboxPayments() =>
        await Many(ReadSandbox, $"SELECT {SandboxColumns} FROM sandbox_payments ORDER BY received_at");
}
