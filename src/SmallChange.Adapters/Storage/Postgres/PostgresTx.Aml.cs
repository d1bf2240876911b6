using Npgsql;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Storage.Postgres;

/// <summary>What the AML rules read: a holder's recent activity, shared destinations, credits in log order, monitor positions.</summary>
internal sealed partial class PostgresTx
{
    private const string CountedStates = "('approved', 'held', 'submitted', 'paid')";

    private const string AmlCreditColumns = "s.id, s.type, COALESCE(f.funding, 'unknown'), t.amount, t.currency, t.created_at";

    private const int HistoryPage = 256;

    /// <summary>
    /// Transfer sequence numbers are taken before commit, so their order and the booking times can disagree by about the
    /// length of a transaction: a scan newest-first by sequence stops this far past the window's start.
    /// </summary>
    private static readonly TimeSpan SequenceSkew = TimeSpan.FromMinutes(10);

    private static AmlCredit ReadAmlCredit(NpgsqlDataReader r, int at) => new(
        new SourceId(r.GetGuid(at)), SourceTypes.FromWire(r.GetString(at + 1)) ?? SourceType.Other,
        CreditFundings.FromWire(r.GetString(at + 2)) ?? CreditFunding.Unknown, null,
        new Money(r.GetInt64(at + 3), CurrencyOf(r.GetString(at + 4))), Time(r, at + 5));

    private static AmlCashout ReadAmlCashout(NpgsqlDataReader r, int at) => new(
        new Money(r.GetInt64(at + 1), CurrencyOf(r.GetString(at))), PayoutMethods.FromWireName(r.GetString(at + 2)) ?? throw new InvalidDataException("unknown method"),
        r.GetString(at + 3), Time(r, at + 4));

    public async ValueTask<AmlHistory> AmlHistory(HolderId holder, DateTimeOffset since, DateTimeOffset until)
    {
        var credits = new List<AmlCredit>();
        DateTimeOffset? last = null;

        // Compared as stored (whole microseconds), as the SQL comparisons of both stores do.
        (since, until) = (Ts(since), Ts(until));
        foreach (var wallet in await ListAccounts(AccountKind.HolderWallet, holder.Value))
        {
            // Newest first on the (credit_account_id, seq) index, a page at a time, until past the window and its last credit before.
            var before = long.MaxValue;
            while (true)
            {
                var page = await Many(r => (Seq: r.GetInt64(0), Credit: ReadAmlCredit(r, 1)),
                    $"SELECT t.seq, {AmlCreditColumns} FROM transfers t JOIN sources s ON s.num = t.source_num LEFT JOIN source_funding f ON f.source_id = s.id " +
                    "WHERE t.credit_account_id = $1 AND t.source_ref IS NOT NULL AND t.seq < $2 ORDER BY t.seq DESC LIMIT $3",
                    wallet.Id.Value, before, HistoryPage);
                var oldest = DateTimeOffset.MaxValue;
                foreach (var (_, c) in page)
                {
                    oldest = c.At < oldest ? c.At : oldest;
                    if (c.At >= since && c.At < until)
                    {
                        credits.Add(c);
                    }
                    else if (c.At < since && (last is null || c.At > last))
                    {
                        last = c.At;
                    }
                }

                if (page.Count < HistoryPage || (last is not null && oldest < since - SequenceSkew))
                {
                    break;
                }

                before = page[^1].Seq;
            }
        }

        credits.Sort((a, b) => a.At.CompareTo(b.At));
        var cashouts = await Many(r => ReadAmlCashout(r, 0),
            "SELECT c.currency, c.gross, c.method, d.country, c.created_at FROM cashouts c JOIN destinations d ON d.id = c.destination_id " +
            $"WHERE c.holder_id = $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.state IN {CountedStates} ORDER BY c.created_at",
            holder.Value, Ts(since), Ts(until));
        var lastCashout = await One(r => r.IsDBNull(0) ? DBNull.Value : (object)Time(r, 0),
            $"SELECT MAX(created_at) FROM cashouts WHERE holder_id = $1 AND created_at < $2 AND state IN {CountedStates}", holder.Value, Ts(since));
        if (lastCashout is DateTimeOffset lc && (last is null || lc > last))
        {
            last = lc;
        }

        return new AmlHistory(credits, cashouts, last);
    }

    public async ValueTask<int> OtherHoldersOnDestination(string fingerprint, HolderId holder) =>
        checked((int)(long)(await One(r => (object)r.GetInt64(0), "SELECT COUNT(DISTINCT holder_id) FROM destinations WHERE fingerprint = $1 AND holder_id <> $2", pii.FingerprintIndex(fingerprint), holder.Value))!);

    public async ValueTask<IReadOnlyList<LoggedCredit>> CreditsInLog(long from, long to) =>
        await Many(r => new LoggedCredit(r.GetInt64(0), new HolderId(r.GetGuid(1)), new TransferId(r.GetGuid(2)), ReadAmlCredit(r, 3)),
            $"SELECT {LeafIndex}, a.owner_id, t.id, {AmlCreditColumns} FROM log_ranges g JOIN transfers t ON t.seq BETWEEN g.seq_from AND g.seq_to " +
            "JOIN accounts a ON a.id = t.credit_account_id JOIN sources s ON s.num = t.source_num LEFT JOIN source_funding f ON f.source_id = s.id " +
            $"WHERE g.first_idx < $2 AND g.first_idx + (g.seq_to - g.seq_from) >= $1 AND {LeafIndex} >= $1 AND {LeafIndex} < $2 AND t.source_ref IS NOT NULL " +
            $"ORDER BY {LeafIndex}",
            from, to);

    public async ValueTask<long> MonitorPosition(string monitor) =>
        await One(r => (object)r.GetInt64(0), "SELECT position FROM monitor_positions WHERE name = $1", monitor) is long p ? p : 0L;

    public async ValueTask<bool> AdvanceMonitor(string monitor, long from, long to)
    {
        // At READ COMMITTED a second node's update waits for the first, then re-checks the position and changes nothing.
        var changed = await Exec("UPDATE monitor_positions SET position = $3 WHERE name = $1 AND position = $2", monitor, from, to) == 1;
        if (!changed && from == 0)
        {
            changed = await Exec("INSERT INTO monitor_positions (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", monitor, to) == 1;
        }

        return changed;
    }

    public async ValueTask<CreditFunding> SourceFunding(SourceId source) =>
        CreditFundings.FromWire(await One(r => r.GetString(0), "SELECT funding FROM source_funding WHERE source_id = $1", source.Value)) ?? CreditFunding.Unknown;

    public async ValueTask SetSourceFunding(SourceId source, CreditFunding funding, DateTimeOffset at) =>
        await Exec("INSERT INTO source_funding (source_id, funding, updated_at) VALUES ($1, $2, $3) " +
                   "ON CONFLICT (source_id) DO UPDATE SET funding = excluded.funding, updated_at = excluded.updated_at",
            source.Value, funding.ToWire(), Ts(at));

    public async ValueTask<AmlReplaySet> AmlReplaySet(DateTimeOffset from, DateTimeOffset to)
    {
        var holders = await Many(r => new AmlHolder(new HolderId(r.GetGuid(0)), r.GetString(1), Time(r, 2), r.GetInt32(3)),
            "SELECT id, country, created_at, kyc_tier FROM holders WHERE created_at < $1", Ts(to));
        var credits = await Many(r => new ReplayCredit(new HolderId(r.GetGuid(0)), new TransferId(r.GetGuid(1)), ReadAmlCredit(r, 2)),
            $"SELECT a.owner_id, t.id, {AmlCreditColumns} FROM transfers t JOIN accounts a ON a.id = t.credit_account_id " +
            "JOIN sources s ON s.num = t.source_num LEFT JOIN source_funding f ON f.source_id = s.id " +
            "WHERE t.source_ref IS NOT NULL AND t.created_at >= $1 AND t.created_at < $2 ORDER BY t.created_at, t.seq", Ts(from), Ts(to));
        var cashouts = await Many(r => new ReplayCashout(new CashoutId(r.GetGuid(0)), new HolderId(r.GetGuid(1)), ReadAmlCashout(r, 4), r.GetString(2), r.GetBoolean(3),
                CashoutStates.FromWire(r.GetString(9)) ?? throw new InvalidDataException("unknown state")),
            "SELECT c.id, c.holder_id, d.fingerprint, d.account_holder_name IS NOT NULL, c.currency, c.gross, c.method, d.country, c.created_at, c.state " +
            "FROM cashouts c JOIN destinations d ON d.id = c.destination_id WHERE c.created_at >= $1 AND c.created_at < $2 ORDER BY c.created_at, c.id",
            Ts(from), Ts(to));
        var destinations = await Many(r => new DestinationUse(r.GetString(0), new HolderId(r.GetGuid(1)), Time(r, 2)),
            "SELECT fingerprint, holder_id, created_at FROM destinations WHERE created_at < $1 ORDER BY created_at", Ts(to));
        var last = new Dictionary<HolderId, DateTimeOffset>();
        foreach (var (h, at) in await Many(r => (new HolderId(r.GetGuid(0)), Time(r, 1)),
                     "SELECT a.owner_id, MAX(t.created_at) FROM transfers t JOIN accounts a ON a.id = t.credit_account_id " +
                     "WHERE t.source_ref IS NOT NULL AND t.created_at < $1 GROUP BY a.owner_id " +
                     "UNION ALL SELECT holder_id, MAX(created_at) FROM cashouts WHERE created_at < $1 AND state <> 'rejected' GROUP BY holder_id", Ts(from)))
        {
            if (!last.TryGetValue(h, out var cur) || at > cur)
            {
                last[h] = at;
            }
        }

        return new AmlReplaySet(holders, credits, cashouts, destinations, last);
    }
}
