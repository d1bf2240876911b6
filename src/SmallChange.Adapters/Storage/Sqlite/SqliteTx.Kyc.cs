using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ports;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

internal sealed partial class SqliteTx
{
    private KycSubmission ReadKycSubmission(SqliteDataReader r) => new(
        new KycSubmissionId(ToGuid((byte[])r[0])), new HolderId(ToGuid((byte[])r[1])), r.GetInt32(2),
        pii.OpenIdentity(r.GetString(3)),
        KycWire.StatusFromWire(r.GetString(4)) ?? throw new InvalidDataException("unknown KYC status"),
        r.GetString(5), r.GetString(6), FromMicros(r.GetInt64(7)),
        NullableString(r, 8), r.IsDBNull(9) ? null : FromMicros(r.GetInt64(9)), NullableString(r, 10));

    private static KycEvent ReadKycEvent(SqliteDataReader r) => new(
        new HolderId(ToGuid((byte[])r[0])), r.GetInt32(1), r.IsDBNull(2) ? null : new KycSubmissionId(ToGuid((byte[])r[2])),
        KycWire.ActionFromWire(r.GetString(3)) ?? throw new InvalidDataException("unknown KYC action"),
        r.GetString(4), NullableString(r, 5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7), FromMicros(r.GetInt64(8)));

    public ValueTask<KycSubmission?> GetKycSubmission(KycSubmissionId id)
    {
        using var r = Cmd($"SELECT {KycSubmissionColumns} FROM kyc_submissions WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadKycSubmission(r) : null);
    }

    public ValueTask<KycSubmission?> FindPendingKycSubmission(HolderId holder)
    {
        using var r = Cmd($"SELECT {KycSubmissionColumns} FROM kyc_submissions WHERE holder_id = $p0 AND status = 'pending'", ToBytes(holder.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadKycSubmission(r) : null);
    }

    public ValueTask<Page<KycSubmission>> ListKycSubmissions(KycStatus? status, HolderId? holder, string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) ?? new byte[16];
        // One fixed statement per filter combination, so each can use its index.
        var where = (status, holder) switch
        {
            (null, null) => "id > $p0",
            (not null, null) => "id > $p0 AND status = $p2",
            (null, not null) => "id > $p0 AND holder_id = $p3",
            _ => "id > $p0 AND status = $p2 AND holder_id = $p3",
        };
        var list = new List<KycSubmission>(limit);
        using (var r = Cmd($"SELECT {KycSubmissionColumns} FROM kyc_submissions WHERE {where} ORDER BY id LIMIT $p1",
                   after, limit + 1, status?.ToWire(), holder is { } h ? ToBytes(h.Value) : null).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadKycSubmission(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, s => Cursor.FromBytes(ToBytes(s.Id.Value))));
    }

    public ValueTask<IReadOnlyList<KycEvent>> ListKycEvents(HolderId holder, KycSubmissionId? submission)
    {
        var list = new List<KycEvent>();
        using var r = (submission is { } s
            ? Cmd($"SELECT {KycEventColumns} FROM kyc_events WHERE holder_id = $p0 AND submission_id = $p1 ORDER BY seq", ToBytes(holder.Value), ToBytes(s.Value))
            : Cmd($"SELECT {KycEventColumns} FROM kyc_events WHERE holder_id = $p0 ORDER BY seq", ToBytes(holder.Value))).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadKycEvent(r));
        }

        return ValueTask.FromResult<IReadOnlyList<KycEvent>>(list);
    }

    public ValueTask<IdentityData?> LatestApprovedIdentity(HolderId holder)
    {
        using var r = Cmd("SELECT identity FROM kyc_submissions WHERE holder_id = $p0 AND status = 'approved' ORDER BY decided_at DESC, id DESC LIMIT 1",
            ToBytes(holder.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? pii.OpenIdentity(r.GetString(0)) : null);
    }

    public ValueTask InsertKycSubmission(KycSubmission s)
    {
        Cmd($"INSERT INTO kyc_submissions ({KycSubmissionColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)",
            ToBytes(s.Id.Value), ToBytes(s.Holder.Value), s.TargetTier, pii.SealIdentity(s.Identity), s.Status.ToWire(), s.Verifier,
            s.SubmittedBy, ToMicros(s.SubmittedAt), s.DecidedBy, s.DecidedAt is { } d ? ToMicros(d) : null, s.DecisionReason).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DecideKycSubmission(KycSubmissionId id, KycStatus status, string decidedBy, string reason, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd(
            "UPDATE kyc_submissions SET status = $p1, decided_by = $p2, decided_at = $p3, decision_reason = $p4 WHERE id = $p0 AND status = 'pending'",
            ToBytes(id.Value), status.ToWire(), decidedBy, ToMicros(at), reason).ExecuteNonQuery() == 1);

    public ValueTask<KycEvent> AppendKycEvent(KycEvent e)
    {
        // The write lock is held (BEGIN IMMEDIATE): nobody else can number this holder's history meanwhile.
        long next;
        using (var r = Cmd("SELECT COALESCE(MAX(seq), 0) + 1 FROM kyc_events WHERE holder_id = $p0", ToBytes(e.Holder.Value)).ExecuteReader())
        {
            r.Read();
            next = r.GetInt64(0);
        }

        var stored = e with { Sequence = checked((int)next), At = FromMicros(ToMicros(e.At)) };
        Cmd($"INSERT INTO kyc_events ({KycEventColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)",
            ToBytes(e.Holder.Value), next, e.Submission is { } s ? ToBytes(s.Value) : null, e.Action.ToWire(), e.Actor, e.Reason,
            e.TierFrom, e.TierTo, ToMicros(e.At)).ExecuteNonQuery();
        return ValueTask.FromResult(stored);
    }
}
