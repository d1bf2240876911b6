namespace SmallChange.Core.Ports;

/// <summary>
/// The database committed the work but could not confirm that a synchronous standby has it: the primary had no
/// synchronous standby configured when it committed (pg_auto_failover's <c>wait_primary</c>, after losing its
/// standby), or the wait for the standby was cancelled (a timeout) and the commit stayed local. The store was asked to
/// acknowledge only replicated writes, so the caller must not report success: every write is idempotent, and a retry
/// with the same idempotency key or reference answers with the original result once replication is back — or writes
/// it again on a new primary if the unreplicated commit was lost with the old one.
/// </summary>
public sealed class WriteUnconfirmedException(string message) : Exception(message);
