namespace SmallChange.Core.Ports;

/// <summary>
/// The database could not be reached (or was not accepting writes) for longer than the store's retry budget.
/// Nothing of the failed work was acknowledged; the caller may retry later with the same idempotency key or reference.
/// The message names the server, never credentials.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
