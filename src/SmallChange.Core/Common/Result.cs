namespace SmallChange.Core.Common;

/// <summary>
/// An expected failure: a stable machine-readable code (e.g. <c>amount.too_many_decimals</c>),
/// a human message safe to show (never PII), and an optional field it concerns.
/// Only the host maps these to HTTP; below it they are plain values.
/// </summary>
public sealed record Error(string Code, string Message, string? Field = null)
{
    public override string ToString() => Field is null ? $"{Code}: {Message}" : $"{Code} ({Field}): {Message}";
}

/// <summary>Either a value or an <see cref="Error"/>. Expected outcomes are values; bugs are exceptions.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsOk => Error is null;

    /// <summary>The value; throws if this is an error (a programmer mistake, not an expected outcome).</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Result is an error: {Error}");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Error error) => new(default, error);

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(Error error) => Fail(error);

    public bool TryGet(out T value, out Error error)
    {
        value = _value!;
        error = Error!;
        return Error is null;
    }
}
