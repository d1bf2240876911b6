using Npgsql;
using NpgsqlTypes;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;
using static SmallChange.Adapters.Storage.StoreColumns;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>
/// Automatic cash-out rules and their trigger windows (0010_auto_cashout.sql). Recording a window is one conditional
/// upsert: of two nodes finishing the same window, the second waits on the row, then changes nothing.
/// </summary>
internal sealed partial class PostgresTx
{
    private static AutoCashoutRule ReadAutoCashoutRule(NpgsqlDataReader r)
    {
        var currency = CurrencyOf(r.GetString(2));
        return new AutoCashoutRule(
            new HolderId(r.GetGuid(0)), r.GetBoolean(1), currency,
            AutoCashoutTriggers.FromWire(r.GetString(3)) ?? throw new InvalidDataException("unknown trigger in auto_cashout_rules"),
            r.IsDBNull(4) ? null : new Money(r.GetInt64(4), currency),
            r.IsDBNull(5) ? null : (DayOfWeek)r.GetInt32(5),
            r.IsDBNull(6) ? null : r.GetInt32(6),
            new DestinationId(r.GetGuid(7)),
            PayoutMethods.FromWireName(r.GetString(8)) ?? throw new InvalidDataException("unknown method in auto_cashout_rules"),
            r.GetInt32(9), Time(r, 10), Time(r, 11));
    }

    private static AutoCashoutRun ReadAutoCashoutRun(NpgsqlDataReader r) => new(
        new HolderId(r.GetGuid(0)), r.GetString(1), AutoCashoutOutcomes.FromWire(r.GetString(2)), StringOrNull(r, 3), r.GetString(4),
        r.IsDBNull(5) ? null : new CashoutId(r.GetGuid(5)), Time(r, 6), Time(r, 7));

    public async ValueTask<AutoCashoutRule?> GetAutoCashoutRule(HolderId holder) =>
        await One(ReadAutoCashoutRule, $"SELECT {AutoCashoutRuleColumns} FROM auto_cashout_rules WHERE holder_id = $1", holder.Value);

    public async ValueTask<Page<AutoCashoutRule>> ListEnabledAutoCashoutRules(string? cursor, int limit)
    {
        var after = Cursor.ToBytes(cursor, 16) is { } b ? ToGuid(b) : Guid.Empty;
        var list = await Many(ReadAutoCashoutRule,
            $"SELECT {AutoCashoutRuleColumns} FROM auto_cashout_rules WHERE enabled AND holder_id > $1 ORDER BY holder_id LIMIT $2", after, limit + 1);
        return PageOf(list, limit, x => Cursor.FromBytes(ToBytes(x.Holder.Value)));
    }

    public async ValueTask<AutoCashoutRun?> GetAutoCashoutRun(HolderId holder, string window) =>
        await One(ReadAutoCashoutRun, $"SELECT {AutoCashoutRunColumns} FROM auto_cashout_runs WHERE holder_id = $1 AND window_key = $2", holder.Value, window);

    public async ValueTask<IReadOnlyList<AutoCashoutRun>> ListAutoCashoutRuns(HolderId holder, int limit) =>
        await Many(ReadAutoCashoutRun,
            $"SELECT {AutoCashoutRunColumns} FROM auto_cashout_runs WHERE holder_id = $1 ORDER BY at DESC, window_key COLLATE \"C\" DESC LIMIT $2", holder.Value, limit);

    public async ValueTask UpsertAutoCashoutRule(AutoCashoutRule x) =>
        await Exec($"INSERT INTO auto_cashout_rules ({AutoCashoutRuleColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) " +
            "ON CONFLICT (holder_id) DO UPDATE SET enabled = excluded.enabled, currency = excluded.currency, trigger_kind = excluded.trigger_kind, " +
            "threshold = excluded.threshold, weekly_day = excluded.weekly_day, monthly_day = excluded.monthly_day, destination_id = excluded.destination_id, " +
            "method = excluded.method, target_max_bps = excluded.target_max_bps, updated_at = excluded.updated_at",
            x.Holder.Value, x.Enabled, x.Currency.Code, x.Trigger.ToWire(),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)x.Threshold?.Units ?? DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = x.WeeklyDay is { } d ? (int)d : DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)x.MonthlyDay ?? DBNull.Value },
            x.Destination.Value, x.Method.ToWireName(), x.TargetMaxCostBps, Ts(x.CreatedAt), Ts(x.UpdatedAt));

    public async ValueTask<bool> DisableAutoCashoutRule(HolderId holder, DateTimeOffset at) =>
        await Exec("UPDATE auto_cashout_rules SET enabled = false, updated_at = $2 WHERE holder_id = $1 AND enabled", holder.Value, Ts(at)) == 1;

    public async ValueTask<bool> RecordAutoCashoutRun(AutoCashoutRun x) =>
        await Exec($"INSERT INTO auto_cashout_runs ({AutoCashoutRunColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) " +
            "ON CONFLICT (holder_id, window_key) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, detail = excluded.detail, " +
            "cashout_id = excluded.cashout_id, at = excluded.at WHERE auto_cashout_runs.outcome = 'waiting'",
            x.Holder.Value, x.Window, x.Outcome.ToWire(),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)x.Reason ?? DBNull.Value },
            x.Detail,
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)x.Cashout?.Value ?? DBNull.Value },
            Ts(x.FirstAt), Ts(x.At)) == 1;
}
