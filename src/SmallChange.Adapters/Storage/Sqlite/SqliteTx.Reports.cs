using System.Globalization;
using Microsoft.Data.Sqlite;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Regulatory reports and their documents (0009_cases.sql).</summary>
internal sealed partial class SqliteTx
{
    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static StoredReport ReadReport(SqliteDataReader r) => new(
        new ReportId(ToGuid((byte[])r[0])), ReportWire.KindFromWire(r.GetString(1)) ?? throw new InvalidDataException("unknown report kind"), r.GetString(2),
        new HolderId(ToGuid((byte[])r[3])), r.GetString(4), r.IsDBNull(5) ? null : new CaseId(ToGuid((byte[])r[5])), ParseDay(r.GetString(6)), ParseDay(r.GetString(7)),
        new Money(r.GetInt64(9), Cur(r.GetString(8))), r.GetInt32(10), ReportWire.StatusFromWire(r.GetString(11)) ?? throw new InvalidDataException("unknown report status"),
        r.GetInt32(12), r.GetString(13).Split(',', StringSplitOptions.RemoveEmptyEntries), FromMicros(r.GetInt64(14)), FromMicros(r.GetInt64(15)));

    public ValueTask<StoredReport?> GetReport(ReportId id)
    {
        using var r = Cmd($"SELECT {ReportColumns} FROM reports WHERE id = $p0", ToBytes(id.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadReport(r) : null);
    }

    public ValueTask<StoredReport?> FindReport(string reference)
    {
        using var r = Cmd($"SELECT {ReportColumns} FROM reports WHERE reference = $p0", reference).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadReport(r) : null);
    }

    public ValueTask<Page<StoredReport>> ListReports(ReportFilter filter, string? cursor, int limit)
    {
        var before = Cursor.ToBytes(cursor, 16) ?? MaxId;
        var list = new List<StoredReport>(limit);
        using (var r = Cmd(
                   $"SELECT {ReportColumns} FROM reports WHERE id < $p0 AND ($p1 IS NULL OR kind = $p1) AND ($p2 IS NULL OR holder_id = $p2) " +
                   "AND ($p3 IS NULL OR status = $p3) ORDER BY id DESC LIMIT $p4",
                   before, filter.Kind?.ToWire(), Blob(filter.Holder?.Value), filter.Status?.ToWire(), limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadReport(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, x => Cursor.FromBytes(ToBytes(x.Id.Value))));
    }

    public ValueTask<ReportFile?> GetReportFile(ReportId id, string format)
    {
        using var r = Cmd("SELECT format, file_name, media_type, content FROM report_files WHERE report_id = $p0 AND format = $p1", ToBytes(id.Value), format).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? new ReportFile(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r[3]) : null);
    }

    public ValueTask<IReadOnlyList<CtrCashout>> CtrCashouts(HolderId holder, DateTimeOffset from, DateTimeOffset to)
    {
        var list = new List<CtrCashout>();
        using var r = Cmd(
            "SELECT c.id, c.currency, c.gross, c.method, d.country, c.created_at FROM cashouts c JOIN destinations d ON d.id = c.destination_id " +
            "WHERE c.holder_id = $p0 AND c.created_at >= $p1 AND c.created_at < $p2 AND c.state IN ('approved', 'submitted', 'paid') ORDER BY c.created_at, c.id",
            ToBytes(holder.Value), ToMicros(from), ToMicros(to)).ExecuteReader();
        while (r.Read())
        {
            list.Add(new CtrCashout(new CashoutId(ToGuid((byte[])r[0])), new Money(r.GetInt64(2), Cur(r.GetString(1))),
                PayoutMethods.FromWireName(r.GetString(3)) ?? throw new InvalidDataException("unknown method"), r.GetString(4), FromMicros(r.GetInt64(5))));
        }

        return ValueTask.FromResult<IReadOnlyList<CtrCashout>>(list);
    }

    public async ValueTask<StoredReport?> SaveReport(StoredReport report, IReadOnlyList<ReportFile> files)
    {
        var existing = await FindReport(report.Reference);
        StoredReport saved;
        if (existing is null)
        {
            saved = report;
            Cmd($"INSERT INTO reports ({ReportColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15)",
                ToBytes(report.Id.Value), report.Kind.ToWire(), report.Reference, ToBytes(report.Holder.Value), report.ProfileId, Blob(report.Case?.Value),
                Day(report.PeriodFrom), Day(report.PeriodTo), report.Amount.Currency.Code, report.Amount.Units, report.TransactionCount, report.Status.ToWire(),
                report.Revision, string.Join(',', report.Formats), ToMicros(report.CreatedAt), ToMicros(report.UpdatedAt)).ExecuteNonQuery();
        }
        else if (existing.Status == ReportStatus.Ready)
        {
            saved = report with { Id = existing.Id, Revision = existing.Revision + 1, CreatedAt = existing.CreatedAt, Status = ReportStatus.Ready };
            Cmd("UPDATE reports SET period_from = $p1, period_to = $p2, currency = $p3, amount = $p4, tx_count = $p5, revision = $p6, formats = $p7, updated_at = $p8 " +
                "WHERE id = $p0 AND status = 'ready'",
                ToBytes(existing.Id.Value), Day(saved.PeriodFrom), Day(saved.PeriodTo), saved.Amount.Currency.Code, saved.Amount.Units, saved.TransactionCount,
                saved.Revision, string.Join(',', saved.Formats), ToMicros(saved.UpdatedAt)).ExecuteNonQuery();
            Cmd("DELETE FROM report_files WHERE report_id = $p0", ToBytes(existing.Id.Value)).ExecuteNonQuery();
        }
        else
        {
            return null;
        }

        foreach (var f in files)
        {
            Cmd("INSERT INTO report_files (report_id, format, file_name, media_type, content) VALUES ($p0, $p1, $p2, $p3, $p4)",
                ToBytes(saved.Id.Value), f.Format, f.FileName, f.MediaType, f.Content).ExecuteNonQuery();
        }

        return await GetReport(saved.Id);
    }

    public ValueTask<bool> MarkReportFiled(ReportId id, DateTimeOffset at) => ValueTask.FromResult(
        Cmd("UPDATE reports SET status = 'filed', updated_at = $p1 WHERE id = $p0 AND status = 'ready'", ToBytes(id.Value), ToMicros(at)).ExecuteNonQuery() == 1);
}
