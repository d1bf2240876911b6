using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace SmallChange.Adapters.Storage.Sqlite;

/// <summary>
/// A statement prepared once on a connection's native handle and reused: values are bound with
/// <c>sqlite3_bind_*</c> (no parameter objects, no per-row allocation). For the write hot path only; every value
/// is still a bound parameter. Not thread-safe: it belongs to one connection, used under the store's write gate.
/// </summary>
/// <remarks>
/// Binding calls the SQLite library directly with the statement's native pointer (the same <c>e_sqlite3</c>
/// library SQLitePCLRaw loads): SQLitePCLRaw's own wrappers add a SafeHandle reference count and a
/// marshalling thunk to every call, which measured about a third of the per-row cost outside SQLite. The pointer is valid
/// until <see cref="Dispose"/>, and this object is the only one that disposes the statement. With any other
/// SQLitePCLRaw provider (another native library name) the SQLitePCLRaw calls are used instead.
/// </remarks>
internal sealed class RawStatement : IDisposable
{
    private const uint PreparePersistent = 0x01;

    /// <summary>SQLITE_TRANSIENT: SQLite copies the value before the bind call returns.</summary>
    private static readonly IntPtr Transient = new(-1);

    private static readonly byte[] Empty = [0];

    /// <summary>Whether SQLitePCLRaw runs on the bundled e_sqlite3 library, which <see cref="Native"/> binds to.</summary>
    private static readonly bool Direct = string.Equals(GetNativeLibraryName(), "e_sqlite3", StringComparison.Ordinal);

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly IntPtr _handle;

    public RawStatement(SqliteConnection conn, string sql)
    {
        _db = conn.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = sqlite3_prepare_v3(_db, sql, PreparePersistent, out _stmt);
        if (rc != SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        _handle = _stmt.DangerousGetHandle();
    }

    public void Bind(int index, long value) =>
        Check(Direct ? Native.sqlite3_bind_int64(_handle, index, value) : sqlite3_bind_int64(_stmt, index, value));

    public void Bind(int index, long? value)
    {
        if (value is { } v)
        {
            Bind(index, v);
        }
        else
        {
            Check(Direct ? Native.sqlite3_bind_null(_handle, index) : sqlite3_bind_null(_stmt, index));
        }
    }

    public void BindBlob(int index, ReadOnlySpan<byte> value) => Check(Direct
        ? Native.sqlite3_bind_blob(_handle, index, ref MemoryMarshal.GetReference(value.IsEmpty ? Empty : value), value.Length, Transient)
        : sqlite3_bind_blob(_stmt, index, value));

    /// <summary>Binds UTF-8 text (copied by SQLite).</summary>
    public void BindText(int index, ReadOnlySpan<byte> utf8) => Check(Direct
        ? Native.sqlite3_bind_text(_handle, index, ref MemoryMarshal.GetReference(utf8.IsEmpty ? Empty : utf8), utf8.Length, Transient)
        : sqlite3_bind_text(_stmt, index, utf8));

    /// <summary>Steps once and expects no row (a write). Returns the result code so that callers can handle constraints.</summary>
    public int Execute()
    {
        var rc = sqlite3_step(_stmt);
        sqlite3_reset(_stmt);
        return rc;
    }

    /// <summary>Steps once and throws on anything but a completed write.</summary>
    public void ExecuteOrThrow()
    {
        var rc = Execute();
        if (rc != SQLITE_DONE)
        {
            Throw(rc);
        }
    }

    /// <summary>Rows changed by the last write on this connection.</summary>
    public int Changes => sqlite3_changes(_db);

    /// <summary>Runs a query for its first row's first column as an integer; null when there is no row or the value is NULL.</summary>
    public long? ScalarInt64()
    {
        try
        {
            var rc = sqlite3_step(_stmt);
            if (rc == SQLITE_DONE)
            {
                return null;
            }

            if (rc != SQLITE_ROW)
            {
                Throw(rc);
            }

            return sqlite3_column_type(_stmt, 0) == SQLITE_NULL ? null : sqlite3_column_int64(_stmt, 0);
        }
        finally
        {
            sqlite3_reset(_stmt);
        }
    }

    /// <summary>Steps a query: true with a row to read, false at the end (then resets); throws on an error.</summary>
    public bool Read()
    {
        var rc = Direct ? Native.sqlite3_step(_handle) : sqlite3_step(_stmt);
        if (rc == SQLITE_ROW)
        {
            return true;
        }

        sqlite3_reset(_stmt);
        if (rc != SQLITE_DONE)
        {
            Throw(rc);
        }

        return false;
    }

    public bool IsNull(int column) => (Direct ? Native.sqlite3_column_type(_handle, column) : sqlite3_column_type(_stmt, column)) == SQLITE_NULL;

    public long Int64(int column) => Direct ? Native.sqlite3_column_int64(_handle, column) : sqlite3_column_int64(_stmt, column);

    /// <summary>Copies a BLOB or TEXT column's bytes into <paramref name="destination"/>; returns how many there were.</summary>
    public int Bytes(int column, Span<byte> destination)
    {
        if (!Direct)
        {
            var value = sqlite3_column_blob(_stmt, column);
            value.CopyTo(destination);
            return value.Length;
        }

        var length = Native.sqlite3_column_bytes(_handle, column);
        var pointer = Native.sqlite3_column_blob(_handle, column);
        if (length > destination.Length)
        {
            throw new ArgumentException("The column is longer than the buffer.", nameof(destination));
        }

        for (var i = 0; i < length; i++)
        {
            destination[i] = Marshal.ReadByte(pointer, i);
        }

        return length;
    }

    /// <summary>Whether the last step failed on a UNIQUE or PRIMARY KEY constraint.</summary>
    public bool IsUniqueViolation(int rc) => rc == SQLITE_CONSTRAINT
        && sqlite3_extended_errcode(_db) is SQLITE_CONSTRAINT_UNIQUE or SQLITE_CONSTRAINT_PRIMARYKEY;

    /// <summary>Throws the <see cref="SqliteException"/> for a failed step.</summary>
    public void Throw(int rc)
    {
        var extended = sqlite3_extended_errcode(_db);
        throw new SqliteException($"SQLite Error {rc}: '{sqlite3_errmsg(_db).utf8_to_string()}'.", rc, extended);
    }

    public void Dispose() => _stmt.Dispose();

    private void Check(int rc)
    {
        if (rc != SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>The few bind, step and column functions of the SQLite C API, called with blittable arguments only.</summary>
    private static class Native
    {
        private const string Lib = "e_sqlite3";

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_bind_int64(IntPtr stmt, int index, long value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_bind_null(IntPtr stmt, int index);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_bind_blob(IntPtr stmt, int index, ref byte value, int length, IntPtr destructor);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_bind_text(IntPtr stmt, int index, ref byte value, int length, IntPtr destructor);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_step(IntPtr stmt);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_column_type(IntPtr stmt, int column);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern long sqlite3_column_int64(IntPtr stmt, int column);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr sqlite3_column_blob(IntPtr stmt, int column);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_column_bytes(IntPtr stmt, int column);
    }
}
