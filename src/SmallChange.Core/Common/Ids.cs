namespace SmallChange.Core.Common;

// Typed ids, time-ordered (UUIDv7). No bare Guid in Core signatures.

public readonly record struct HolderId(Guid Value)
{
    public static HolderId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

public readonly record struct SourceId(Guid Value)
{
    public static SourceId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

public readonly record struct TransferId(Guid Value)
{
    public static TransferId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

public readonly record struct CashoutId(Guid Value)
{
    public static CashoutId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

public readonly record struct QuoteId(Guid Value)
{
    public static QuoteId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

public readonly record struct DestinationId(Guid Value)
{
    public static DestinationId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

public readonly record struct ApiKeyId(Guid Value)
{
    public static ApiKeyId New() => new(Uuid7.New());
    public override string ToString() => Value.ToString();
}

/// <summary>A ledger account; assigned by the store (an integer key keeps balance updates cheap).</summary>
public readonly record struct AccountId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
