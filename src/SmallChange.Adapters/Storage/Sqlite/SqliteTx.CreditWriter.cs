using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SmallChange.Core.Credits;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using static SmallChange.Adapters.Storage.SqlTime;
using static SmallChange.Adapters.Storage.StoreChecks;

namespace SmallChange.Adapters.Storage.Sqlite;

internal sealed partial class SqliteTx
{
    /// <summary>Chain heads (account id → last_seq, 0 for none) as this writer last wrote or read them.</summary>
    /// <remarks>
    /// Valid only while no other connection writes (checked with <c>PRAGMA data_version</c> at every write
    /// transaction) and nothing was rolled back (<see cref="RolledBack"/> clears it). Bounded: cleared when full.
    /// </remarks>
    private readonly Dictionary<long, long> _heads = [];
    private const int MaxCachedHeads = 1 << 20;
    private long _dataVersion = -1;

    /// <summary>Starts a write transaction on the writer connection (BEGIN IMMEDIATE already run).</summary>
    public void BeginWrite(SqliteTransaction tx)
    {
        _tx = tx;
        var version = (long)Cmd("PRAGMA data_version").ExecuteScalar()!;
        if (version != _dataVersion)
        {
            // Another connection committed since our last write: what we remember may be stale.
            _heads.Clear();
            _frontier = null;
            _dataVersion = version;
        }
    }

    /// <summary>
    /// The write hot path for credits, on the writer connection: native statements prepared once, rows inserted
    /// <see cref="RowsPerInsert"/> at a time with explicit sequence numbers and chain links computed here, balances
    /// and chain heads updated once per account at the end (<see cref="AccountsPerUpdate"/> per statement).
    /// A chunk that hits an existing (source, reference) is undone by SQLite as a whole statement and replayed
    /// row by row to tell which rows exist.
    /// </summary>
    private sealed class CreditWriter : IDisposable
    {
        /// <summary>Rows per multi-row INSERT (16 to 64 measure the same; fewer pay per-statement overhead).</summary>
        public const int RowsPerInsert = 32;

        public const int AccountsPerUpdate = 32;

        private const string Insert =
            "INSERT INTO transfers (seq, id, debit_account_id, credit_account_id, amount, currency, kind, reason, created_at, debit_prev, credit_prev, source_num, source_ref, occurred_at) VALUES ";

        // Any rows: every value bound per row.
        private const int GeneralColumns = 12;
        private const string GeneralRow = "(?, ?, ?, ?, ?, ?, 0, 'credit', ?, ?, ?, ?, ?, ?)";

        // Rows of one source and currency (so one settlement account): the shared values are bound once per chunk
        // as ?1 first seq, ?2 settlement account, ?3 currency, ?4 created_at, ?5 the settlement's previous head,
        // ?6 source; each row binds six more. Row k has seq ?1 + k, and its settlement link is the row before it.
        private const int SharedParams = 6;
        private const int UniformColumns = 6;

        private readonly SqliteTx _owner;
        private readonly RawStatement _general;
        private readonly RawStatement _uniform;
        private readonly RawStatement _one;
        private readonly RawStatement _maxSeq;
        private readonly RawStatement _head;
        private readonly RawStatement _applyMany;
        private readonly RawStatement _applyOne;
        private readonly Dictionary<long, AccountState> _accounts = [];
        private readonly List<(long Account, AccountState Was)> _undo = new(RowsPerInsert * 2);
        private readonly Dictionary<string, byte[]> _currencyText = new(StringComparer.Ordinal);
        private long[] _moved = new long[256];
        private byte[] _text = new byte[512];

        public CreditWriter(SqliteTx owner, SqliteConnection conn)
        {
            _owner = owner;
            var general = new StringBuilder(Insert);
            var uniform = new StringBuilder(Insert);
            for (var k = 0; k < RowsPerInsert; k++)
            {
                general.Append(k == 0 ? "" : ", ").Append(GeneralRow);
                var p = SharedParams + 1 + (k * UniformColumns);
                uniform.Append(k == 0 ? "" : ", ")
                    .Append($"(?1 + {k}, ?{p}, ?2, ?{p + 1}, ?{p + 2}, ?3, 0, 'credit', ?4, {(k == 0 ? "?5" : $"?1 + {k - 1}")}, ?{p + 3}, ?6, ?{p + 4}, ?{p + 5})");
            }

            _general = new RawStatement(conn, general.ToString());
            _uniform = new RawStatement(conn, uniform.ToString());
            _one = new RawStatement(conn, Insert + GeneralRow + " ON CONFLICT (source_num, source_ref) WHERE source_ref IS NOT NULL DO NOTHING");
            _maxSeq = new RawStatement(conn, "SELECT MAX(seq) FROM transfers");
            _head = new RawStatement(conn, "SELECT COALESCE(last_seq, 0) FROM accounts WHERE id = ?1");
            const string Set = "debits_posted = debits_posted + v.column2, credits_posted = credits_posted + v.column3, last_seq = v.column4";
            var values = string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?)", AccountsPerUpdate));
            _applyMany = new RawStatement(conn, $"UPDATE accounts SET {Set} FROM (VALUES {values}) AS v WHERE accounts.id = v.column1");
            _applyOne = new RawStatement(conn, $"UPDATE accounts SET {Set} FROM (VALUES (?, ?, ?, ?)) AS v WHERE accounts.id = v.column1");
        }

        /// <summary>What this call does to one account: its chain head and the totals to add.</summary>
        private struct AccountState
        {
            public long Head;
            public long Debit;
            public long Credit;
            public bool Moved;
        }

        /// <summary>Writes the rows, filling <paramref name="results"/>. Returns the index of the conflict that fails a linked batch, or -1.</summary>
        public int Write(IReadOnlyList<CreditRow> rows, long nowMicros, bool linked, CreditWriteResult[] results)
        {
            _accounts.Clear();
            foreach (var row in rows)
            {
                Load(row.SettlementAccount.Value);
                Load(row.WalletAccount.Value);
            }

            var next = (_maxSeq.ScalarInt64() ?? 0) + 1;
            var createdAt = FromMicros(nowMicros);
            var i = 0;
            while (i < rows.Count)
            {
                var n = Math.Min(RowsPerInsert, rows.Count - i);
                if (n == RowsPerInsert)
                {
                    _undo.Clear();
                    var statement = Uniform(rows, i, n) ? BindUniform(rows, i, next, nowMicros) : BindGeneral(rows, i, next, nowMicros);
                    var rc = statement.Execute();
                    if (rc == SQLitePCL.raw.SQLITE_DONE)
                    {
                        for (var k = 0; k < n; k++)
                        {
                            results[i + k] = Created(rows[i + k], createdAt, next + k);
                        }

                        next += n;
                        i += n;
                        continue;
                    }

                    if (!statement.IsUniqueViolation(rc))
                    {
                        statement.Throw(rc);
                    }

                    // SQLite undid the whole statement: undo what binding it did here, then go row by row.
                    Undo();
                }

                for (var k = 0; k < n; k++, i++)
                {
                    var row = rows[i];
                    _undo.Clear();
                    Bind(_one, 0, row, next, nowMicros);
                    var rc = _one.Execute();
                    if (rc != SQLitePCL.raw.SQLITE_DONE)
                    {
                        _one.Throw(rc);
                    }

                    if (_one.Changes == 1)
                    {
                        results[i] = Created(row, createdAt, next);
                        next++;
                        continue;
                    }

                    Undo();

                    // The (source, reference) exists: a replay if it has the same content, else a conflict.
                    var existing = _owner.ReadCredit(row.Source, row.SourceRef)
                        ?? throw new InvalidOperationException("Store invariant broken in InsertCredits: an existing credit cannot be read.");
                    var same = existing.Holder == row.Holder && existing.Amount == row.Amount
                        && (!row.OccurredAtGiven || existing.OccurredAt == FromMicros(ToMicros(row.OccurredAt)));
                    results[i] = new CreditWriteResult(same ? CreditWriteStatus.Exists : CreditWriteStatus.Conflict, existing);
                    if (!same && linked)
                    {
                        return i;
                    }
                }
            }

            Apply();
            return -1;
        }

        private void Load(long account)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, account, out var exists);
            if (!exists)
            {
                if (!_owner._heads.TryGetValue(account, out state.Head))
                {
                    _head.Bind(1, account);
                    state.Head = _head.ScalarInt64() ?? throw new InvalidOperationException("Store invariant broken in InsertCredits: credit account missing.");
                }
            }
        }

        /// <summary>Whether the chunk has one source, currency and settlement account (always, from <see cref="CreditService"/>).</summary>
        private static bool Uniform(IReadOnlyList<CreditRow> rows, int from, int count)
        {
            var first = rows[from];
            for (var k = 1; k < count; k++)
            {
                var r = rows[from + k];
                if (r.SettlementAccount != first.SettlementAccount || r.Source != first.Source || !r.Amount.Currency.Equals(first.Amount.Currency))
                {
                    return false;
                }
            }

            return true;
        }

        private RawStatement BindGeneral(IReadOnlyList<CreditRow> rows, int from, long next, long nowMicros)
        {
            for (var k = 0; k < RowsPerInsert; k++)
            {
                Bind(_general, k * GeneralColumns, rows[from + k], next + k, nowMicros);
            }

            return _general;
        }

        private RawStatement BindUniform(IReadOnlyList<CreditRow> rows, int from, long next, long nowMicros)
        {
            var s = _uniform;
            var first = rows[from];
            var settlement = first.SettlementAccount.Value;
            ref var debit = ref CollectionsMarshal.GetValueRefOrNullRef(_accounts, settlement);
            _undo.Add((settlement, debit));
            s.Bind(1, next);
            s.Bind(2, settlement);
            s.BindText(3, CurrencyText(first.Amount.Currency));
            s.Bind(4, nowMicros);
            s.Bind(5, Link(debit.Head));
            s.Bind(6, SourceNum(first));
            var total = 0L;
            Span<byte> id = stackalloc byte[16];
            for (var k = 0; k < RowsPerInsert; k++)
            {
                var c = rows[from + k];
                var p = SharedParams + 1 + (k * UniformColumns);
                ref var credit = ref CollectionsMarshal.GetValueRefOrNullRef(_accounts, c.WalletAccount.Value);
                _undo.Add((c.WalletAccount.Value, credit));
                c.TransferId.Value.TryWriteBytes(id, bigEndian: true, out _);
                s.BindBlob(p, id);
                s.Bind(p + 1, c.WalletAccount.Value);
                s.Bind(p + 2, c.Amount.Units);
                s.Bind(p + 3, Link(credit.Head));
                s.BindText(p + 4, Utf8(c.SourceRef));
                s.Bind(p + 5, ToMicros(c.OccurredAt));
                credit.Head = next + k;
                credit.Credit = checked(credit.Credit + c.Amount.Units);
                credit.Moved = true;
                total = checked(total + c.Amount.Units);
            }

            debit.Head = next + RowsPerInsert - 1;
            debit.Debit = checked(debit.Debit + total);
            debit.Moved = true;
            return s;
        }

        /// <summary>Binds one row at parameter offset <paramref name="p"/> as transfer <paramref name="seq"/> and moves both accounts (undoably).</summary>
        private void Bind(RawStatement s, int p, CreditRow c, long seq, long nowMicros)
        {
            ref var debit = ref CollectionsMarshal.GetValueRefOrNullRef(_accounts, c.SettlementAccount.Value);
            _undo.Add((c.SettlementAccount.Value, debit));
            ref var credit = ref CollectionsMarshal.GetValueRefOrNullRef(_accounts, c.WalletAccount.Value);
            _undo.Add((c.WalletAccount.Value, credit));
            Span<byte> id = stackalloc byte[16];
            c.TransferId.Value.TryWriteBytes(id, bigEndian: true, out _);
            s.Bind(p + 1, seq);
            s.BindBlob(p + 2, id);
            s.Bind(p + 3, c.SettlementAccount.Value);
            s.Bind(p + 4, c.WalletAccount.Value);
            s.Bind(p + 5, c.Amount.Units);
            s.BindText(p + 6, CurrencyText(c.Amount.Currency));
            s.Bind(p + 7, nowMicros);
            s.Bind(p + 8, Link(debit.Head));
            s.Bind(p + 9, Link(credit.Head));
            s.Bind(p + 10, SourceNum(c));
            s.BindText(p + 11, Utf8(c.SourceRef));
            s.Bind(p + 12, ToMicros(c.OccurredAt));
            debit.Head = seq;
            debit.Debit = checked(debit.Debit + c.Amount.Units);
            debit.Moved = true;
            credit.Head = seq;
            credit.Credit = checked(credit.Credit + c.Amount.Units);
            credit.Moved = true;
        }

        private static long? Link(long head) => head == 0 ? null : head;

        private long SourceNum(CreditRow c) =>
            _owner.SourceNum(c.Source) ?? throw new InvalidOperationException("Store invariant broken in InsertCredits: credit of a missing source.");

        /// <summary>Puts back the account states changed since the last <c>_undo.Clear()</c> (rows bound but not inserted).</summary>
        private void Undo()
        {
            for (var u = _undo.Count - 1; u >= 0; u--)
            {
                CollectionsMarshal.GetValueRefOrNullRef(_accounts, _undo[u].Account) = _undo[u].Was;
            }

            _undo.Clear();
        }

        /// <summary>The result of a row just inserted as transfer <paramref name="seq"/>, which also joins this transaction's log leaves.</summary>
        private CreditWriteResult Created(CreditRow c, DateTimeOffset createdAt, long seq)
        {
            _owner.Logged(new Transfer(c.TransferId, c.SettlementAccount, c.WalletAccount, c.Amount.Units, c.Amount.Currency, TransferKind.Single,
                null, null, ReasonCodes.Credit, null, null, seq, createdAt));
            return new(CreditWriteStatus.Created, new Credit(c.Source, c.SourceRef, c.Holder, c.Amount, FromMicros(ToMicros(c.OccurredAt)), c.TransferId, createdAt));
        }

        /// <summary>Adds the totals and moves the chain heads of every account written, in id order, and remembers the heads.</summary>
        private void Apply()
        {
            var count = 0;
            foreach (var (account, state) in _accounts)
            {
                if (state.Moved)
                {
                    if (count == _moved.Length)
                    {
                        Array.Resize(ref _moved, count * 2);
                    }

                    _moved[count++] = account;
                }
            }

            var moved = _moved.AsSpan(0, count);
            moved.Sort();
            var i = 0;
            for (; i + AccountsPerUpdate <= count; i += AccountsPerUpdate)
            {
                for (var k = 0; k < AccountsPerUpdate; k++)
                {
                    BindApply(_applyMany, k * 4, moved[i + k]);
                }

                _applyMany.ExecuteOrThrow();
                Require(_applyMany.Changes == AccountsPerUpdate);
            }

            for (; i < count; i++)
            {
                BindApply(_applyOne, 0, moved[i]);
                _applyOne.ExecuteOrThrow();
                Require(_applyOne.Changes == 1);
            }

            if (_owner._heads.Count + count > MaxCachedHeads)
            {
                _owner._heads.Clear();
            }

            foreach (var account in moved)
            {
                _owner._heads[account] = _accounts[account].Head;
            }
        }

        private void BindApply(RawStatement s, int p, long account)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_accounts, account);
            s.Bind(p + 1, account);
            s.Bind(p + 2, state.Debit);
            s.Bind(p + 3, state.Credit);
            s.Bind(p + 4, state.Head);
        }

        private static void Require(bool condition)
        {
            if (!condition)
            {
                throw new InvalidOperationException("Store invariant broken in InsertCredits: credit account missing.");
            }
        }

        private ReadOnlySpan<byte> CurrencyText(Currency currency)
        {
            if (!_currencyText.TryGetValue(currency.Code, out var bytes))
            {
                bytes = Encoding.UTF8.GetBytes(currency.Code);
                _currencyText[currency.Code] = bytes;
            }

            return bytes;
        }

        private ReadOnlySpan<byte> Utf8(string s)
        {
            var max = Encoding.UTF8.GetMaxByteCount(s.Length);
            if (max > _text.Length)
            {
                _text = new byte[max];
            }

            return _text.AsSpan(0, Encoding.UTF8.GetBytes(s, _text));
        }

        public void Dispose()
        {
            _general.Dispose();
            _uniform.Dispose();
            _one.Dispose();
            _maxSeq.Dispose();
            _head.Dispose();
            _applyMany.Dispose();
            _applyOne.Dispose();
        }
    }
}
