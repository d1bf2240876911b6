using Npgsql;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

internal sealed partial class PostgresTx
{
    private KycSubmission ReadKycSubmission(NpgsqlDataReader r) => new(
        new KycSubmissionId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), r.GetInt32(2),
        pii.OpenIdentity(r.GetString(3)),
        KycWire.StatusFromWire(r.GetString(4)) ?? throw new InvalidDataException("unknown KYC status"),
        r.GetString(5), r.GetString(6), Time(r, 7), StringOrNull(r, 8), TimeOrNull(r, 9), StringOrNull(r, 10));

    private static KycEvent ReadKycEvent(NpgsqlDataReader r) => new(
        new HolderId(r.GetGuid(0)), r.GetInt32(1), r.IsDBNull(2) ? null : new KycSubmissionId(r.GetGuid(2)),
        KycWire.ActionFromWire(r.GetString(3)) ?? throw new InvalidDataException("unknown KYC action"),
        r.GetString(4), StringOrNull(r, 5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7), Time(r, 8));

    public async ValueTask<KycSubmission?> GetKycSubmission(KycSubmissionId id) =>
        await One(ReadKycSubmission, $"SELECT {KycSubmissionColumns} FROM kyc_submissions WHERE id = $1", id.Value);

    public async ValueTask<KycSubmission?> FindPendingKycSubmission(HolderId holder) =>
        await One(ReadKycSubmission, $"SELECT {KycSubmissionColumns} FROM kyc_submissions WHERE holder_id = $1 AND status = 'pending'", holder.Value);

    public async ValueTask<Page<KycSubmission>> ListKycSubmissions(KycStatus? status, HolderId? holder, string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) is { } b ? ToGuid(b) : Guid.Empty;
        var where = (status, holder) switch
        {
            (null, null) => "id > $1",
            (not null, null) => "id > $1 AND status = $3",
            (null, not null) => "id > $1 AND holder_id = $3",
            _ => "id > $1 AND status = $3 AND holder_id = $4",
        };
        var args = new List<object?> { after, limit + 1 };
        if (status is { } st)
        {
            args.Add(st.ToWire());
        }

        if (holder is { } h)
        {
            args.Add(h.Value);
        }

        var list = await Many(ReadKycSubmission, $"SELECT {KycSubmissionColumns} FROM kyc_submissions WHERE {where} ORDER BY id LIMIT $2", [.. args]);
        return PageOf(list, limit, s => Cursor.FromBytes(ToBytes(s.Id.Value)));
    }

    public async ValueTask<IReadOnlyList<KycEvent>> ListKycEvents(HolderId holder, KycSubmissionId? submission) => submission is { } s
        ? await Many(ReadKycEvent, $"SELECT {KycEventColumns} FROM kyc_events WHERE holder_id = $1 AND submission_id = $2 ORDER BY seq", holder.Value, s.Value)
        : await Many(ReadKycEvent, $"SELECT {KycEventColumns} FROM kyc_events WHERE holder_id = $1 ORDER BY seq", holder.Value);

    public async ValueTask<IdentityData?> LatestApprovedIdentity(HolderId holder)
    {
        var rows = await Many(r => r.GetString(0),
            "SELECT identity FROM kyc_submissions WHERE holder_id = $1 AND status = 'approved' ORDER BY decided_at DESC, id DESC LIMIT 1", holder.Value);
        return rows.Count == 0 ? null : pii.OpenIdentity(rows[0]);
    }

    public async ValueTask InsertKycSubmission(KycSubmission s) =>
        await Exec($"INSERT INTO kyc_submissions ({KycSubmissionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            s.Id.Value, s.Holder.Value, s.TargetTier, pii.SealIdentity(s.Identity), s.Status.ToWire(), s.Verifier,
            s.SubmittedBy, Ts(s.SubmittedAt), s.DecidedBy, TsOrNull(s.DecidedAt), s.DecisionReason);

    public async ValueTask<bool> DecideKycSubmission(KycSubmissionId id, KycStatus status, string decidedBy, string reason, DateTimeOffset at) =>
        await Exec("UPDATE kyc_submissions SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1 AND status = 'pending'",
            id.Value, status.ToWire(), decidedBy, Ts(at), reason) == 1;

    public async ValueTask<KycEvent> AppendKycEvent(KycEvent e)
    {
        // The caller holds the holder's row lock (LockHolder), so the next number cannot be taken twice.
        var seq = await Many(r => r.GetInt32(0),
            $"INSERT INTO kyc_events ({KycEventColumns}) " +
            "SELECT $1, COALESCE(MAX(seq), 0) + 1, $2::uuid, $3::text, $4::text, $5::text, $6::integer, $7::integer, $8::timestamptz FROM kyc_events WHERE holder_id = $1 RETURNING seq",
            e.Holder.Value, GuidOrNull(e.Submission?.Value), e.Action.ToWire(), e.Actor, e.Reason,
            e.TierFrom is { } f ? f : DBNull.Value, e.TierTo is { } t ? t : DBNull.Value, Ts(e.At));
        return e with { Sequence = seq[0], At = Ts(e.At) };
    }
}
