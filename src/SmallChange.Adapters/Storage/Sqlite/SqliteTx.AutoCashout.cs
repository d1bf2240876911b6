using Microsoft.Data.Sqlite;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>Automatic cash-out rules and their trigger windows (0010_auto_cashout.sql).</summary>
internal sealed partial class SqliteTx
{
    private static AutoCashoutRule ReadAutoCashoutRule(SqliteDataReader r)
    {
        var currency = Currencies.Find(r.GetString(2)) ?? throw new InvalidDataException("unknown currency in auto_cashout_rules");
        return new AutoCashoutRule(
            new HolderId(ToGuid((byte[])r[0])), r.GetInt64(1) == 1, currency,
            AutoCashoutTriggers.FromWire(r.GetString(3)) ?? throw new InvalidDataException("unknown trigger in auto_cashout_rules"),
            r.IsDBNull(4) ? null : new Money(r.GetInt64(4), currency),
            r.IsDBNull(5) ? null : (DayOfWeek)r.GetInt32(5),
            r.IsDBNull(6) ? null : r.GetInt32(6),
            new DestinationId(ToGuid((byte[])r[7])),
            PayoutMethods.FromWireName(r.GetString(8)) ?? throw new InvalidDataException("unknown method in auto_cashout_rules"),
            r.GetInt32(9), FromMicros(r.GetInt64(10)), FromMicros(r.GetInt64(11)));
    }

    private static AutoCashoutRun ReadAutoCashoutRun(SqliteDataReader r) => new(
        new HolderId(ToGuid((byte[])r[0])), r.GetString(1), AutoCashoutOutcomes.FromWire(r.GetString(2)), NullableString(r, 3), r.GetString(4),
        r.IsDBNull(5) ? null : new CashoutId(ToGuid((byte[])r[5])), FromMicros(r.GetInt64(6)), FromMicros(r.GetInt64(7)));

    public ValueTask<AutoCashoutRule?> GetAutoCashoutRule(HolderId holder)
    {
        using var r = Cmd($"SELECT {AutoCashoutRuleColumns} FROM auto_cashout_rules WHERE holder_id = $p0", ToBytes(holder.Value)).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadAutoCashoutRule(r) : null);
    }

    public ValueTask<Page<AutoCashoutRule>> ListEnabledAutoCashoutRules(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) ?? new byte[16];
        var list = new List<AutoCashoutRule>(limit);
        using (var r = Cmd($"SELECT {AutoCashoutRuleColumns} FROM auto_cashout_rules WHERE enabled = 1 AND holder_id > $p0 ORDER BY holder_id LIMIT $p1",
                   after, limit + 1).ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadAutoCashoutRule(r));
            }
        }

        return ValueTask.FromResult(PageOf(list, limit, x => Cursor.FromBytes(ToBytes(x.Holder.Value))));
    }

    public ValueTask<AutoCashoutRun?> GetAutoCashoutRun(HolderId holder, string window)
    {
        using var r = Cmd($"SELECT {AutoCashoutRunColumns} FROM auto_cashout_runs WHERE holder_id = $p0 AND window_key = $p1", ToBytes(holder.Value), window).ExecuteReader();
        return ValueTask.FromResult(r.Read() ? ReadAutoCashoutRun(r) : null);
    }

    public ValueTask<IReadOnlyList<AutoCashoutRun>> ListAutoCashoutRuns(HolderId holder, int limit)
    {
        var list = new List<AutoCashoutRun>(limit);
        using var r = Cmd($"SELECT {AutoCashoutRunColumns} FROM auto_cashout_runs WHERE holder_id = $p0 ORDER BY at DESC, window_key DESC LIMIT $p1",
            ToBytes(holder.Value), limit).ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadAutoCashoutRun(r));
        }

        return ValueTask.FromResult<IReadOnlyList<AutoCashoutRun>>(list);
    }

    public ValueTask UpsertAutoCashoutRule(AutoCashoutRule x)
    {
        Cmd($"INSERT INTO auto_cashout_rules ({AutoCashoutRuleColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11) " +
            "ON CONFLICT (holder_id) DO UPDATE SET enabled = excluded.enabled, currency = excluded.currency, trigger_kind = excluded.trigger_kind, " +
            "threshold = excluded.threshold, weekly_day = excluded.weekly_day, monthly_day = excluded.monthly_day, destination_id = excluded.destination_id, " +
            "method = excluded.method, target_max_bps = excluded.target_max_bps, updated_at = excluded.updated_at",
            ToBytes(x.Holder.Value), x.Enabled ? 1 : 0, x.Currency.Code, x.Trigger.ToWire(), x.Threshold?.Units, x.WeeklyDay is { } d ? (int)d : null,
            x.MonthlyDay, ToBytes(x.Destination.Value), x.Method.ToWireName(), x.TargetMaxCostBps, ToMicros(x.CreatedAt), ToMicros(x.UpdatedAt)).ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DisableAutoCashoutRule(HolderId holder, DateTimeOffset at) =>
        ValueTask.FromResult(Cmd("UPDATE auto_cashout_rules SET enabled = 0, updated_at = $p1 WHERE holder_id = $p0 AND enabled = 1",
            ToBytes(holder.Value), ToMicros(at)).ExecuteNonQuery() == 1);

    public ValueTask<bool> RecordAutoCashoutRun(AutoCashoutRun x) =>
        ValueTask.FromResult(Cmd($"INSERT INTO auto_cashout_runs ({AutoCashoutRunColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7) " +
            "ON CONFLICT (holder_id, window_key) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, detail = excluded.detail, " +
            "cashout_id = excluded.cashout_id, at = excluded.at WHERE auto_cashout_runs.outcome = 'waiting'",
            ToBytes(x.Holder.Value), x.Window, x.Outcome.ToWire(), x.Reason, x.Detail, Blob(x.Cashout?.Value), ToMicros(x.FirstAt), ToMicros(x.At)).ExecuteNonQuery() == 1);
}
