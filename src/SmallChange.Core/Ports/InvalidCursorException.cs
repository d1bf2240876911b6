namespace SmallChange.Core.Ports;

/// <summary>A pagination cursor that the store did not issue. The host answers 400 with code <c>cursor.invalid</c>.</summary>
public sealed class InvalidCursorException() : Exception("The pagination cursor is not valid.");
