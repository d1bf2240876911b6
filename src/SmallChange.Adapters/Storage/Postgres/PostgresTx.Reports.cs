using Npgsql;
using NpgsqlTypes;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>Regulatory reports and their documents (0009_cases.sql).</summary>
internal sealed partial class PostgresTx
{
    private static StoredReport ReadReport(NpgsqlDataReader r) => new(
        new ReportId(r.GetGuid(0)), ReportWire.KindFromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown report kind"), r.GetString(2),
        new HolderId(r.GetGuid(3)), r.GetString(4), r.IsDBNull(5) ? null : new CaseId(r.GetGuid(5)), r.GetFieldValue<DateOnly>(6), r.GetFieldValue<DateOnly>(7),
        new Money(r.GetInt64(9), CurrencyOf(r.GetString(8))), r.GetInt32(10), ReportWire.StatusFromWire(r.GetString(11)) ?? throw new InvalidDataException("unknown report status"),
        r.GetInt32(12), r.GetString(13).Split(',', StringSplitOptions.RemoveEmptyEntries), Time(r, 14), Time(r, 15));

    public async ValueTask<StoredReport?> GetReport(ReportId id) =>
        await One(ReadReport, $"SELECT {ReportColumns} FROM reports WHERE id = $1", id.Value);

    public async ValueTask<StoredReport?> FindReport(string reference) =>
        await One(ReadReport, $"SELECT {ReportColumns} FROM reports WHERE reference = $1", reference);

    public async ValueTask<Page<StoredReport>> ListReports(ReportFilter filter, string? cursor, int limit)
    {
        var list = await Many(ReadReport,
            $"SELECT {ReportColumns} FROM reports WHERE id < $1 AND ($2::text IS NULL OR kind = $2) AND ($3::uuid IS NULL OR holder_id = $3) " +
            "AND ($4::text IS NULL OR status = $4) ORDER BY id DESC LIMIT $5",
            CursorGuid(cursor) ?? MaxGuid, Typed(filter.Kind?.ToWire(), NpgsqlDbType.Text), Typed(filter.Holder?.Value, NpgsqlDbType.Uuid),
            Typed(filter.Status?.ToWire(), NpgsqlDbType.Text), limit + 1);
        return PageOf(list, limit, x => Cursor.FromBytes(ToBytes(x.Id.Value)));
    }

    public async ValueTask<ReportFile?> GetReportFile(ReportId id, string format) =>
        await One(r => new ReportFile(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<byte[]>(3)),
            "SELECT format, file_name, media_type, content FROM report_files WHERE report_id = $1 AND format = $2", id.Value, format);

    public async ValueTask<IReadOnlyList<CtrCashout>> CtrCashouts(HolderId holder, DateTimeOffset from, DateTimeOffset to) =>
        await Many(r => new CtrCashout(new CashoutId(r.GetGuid(0)), new Money(r.GetInt64(2), CurrencyOf(r.GetString(1))),
                PayoutMethods.FromWireName(r.GetString(3)) ?? throw new InvalidDataException("unknown method"), r.GetString(4), Time(r, 5)),
            "SELECT c.id, c.currency, c.gross, c.method, d.country, c.created_at FROM cashouts c JOIN destinations d ON d.id = c.destination_id " +
            "WHERE c.holder_id = $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.state IN ('approved', 'submitted', 'paid') ORDER BY c.created_at, c.id",
            holder.Value, Ts(from), Ts(to));

    public async ValueTask<StoredReport?> SaveReport(StoredReport report, IReadOnlyList<ReportFile> files)
    {
        // The row lock of an existing report orders two regenerations of one day's CTR; a concurrent first insert of the
        // same reference is a unique violation, which the store retries (the retry finds it).
        var existing = await One(ReadReport, $"SELECT {ReportColumns} FROM reports WHERE reference = $1 FOR UPDATE", report.Reference);
        StoredReport saved;
        if (existing is null)
        {
            saved = report;
            await Exec($"INSERT INTO reports ({ReportColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                report.Id.Value, report.Kind.ToWire(), report.Reference, report.Holder.Value, report.ProfileId, GuidOrNull(report.Case?.Value),
                report.PeriodFrom, report.PeriodTo, report.Amount.Currency.Code, report.Amount.Units, report.TransactionCount, report.Status.ToWire(),
                report.Revision, string.Join(',', report.Formats), Ts(report.CreatedAt), Ts(report.UpdatedAt));
        }
        else if (existing.Status == ReportStatus.Ready)
        {
            saved = report with { Id = existing.Id, Revision = existing.Revision + 1, CreatedAt = existing.CreatedAt, Status = ReportStatus.Ready };
            await Exec("UPDATE reports SET period_from = $2, period_to = $3, currency = $4, amount = $5, tx_count = $6, revision = $7, formats = $8, updated_at = $9 " +
                       "WHERE id = $1 AND status = 'ready'",
                existing.Id.Value, saved.PeriodFrom, saved.PeriodTo, saved.Amount.Currency.Code, saved.Amount.Units, saved.TransactionCount,
                saved.Revision, string.Join(',', saved.Formats), Ts(saved.UpdatedAt));
            await Exec("DELETE FROM report_files WHERE report_id = $1", existing.Id.Value);
        }
        else
        {
            return null;
        }

        foreach (var f in files)
        {
            await Exec("INSERT INTO report_files (report_id, format, file_name, media_type, content) VALUES ($1, $2, $3, $4, $5)",
                saved.Id.Value, f.Format, f.FileName, f.MediaType, f.Content);
        }

        return await GetReport(saved.Id);
    }

    public async ValueTask<bool> MarkReportFiled(ReportId id, DateTimeOffset at) =>
        await Exec("UPDATE reports SET status = 'filed', updated_at = $2 WHERE id = $1 AND status = 'ready'", id.Value, Ts(at)) == 1;
}
