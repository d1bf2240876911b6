using SmallChange.Core.Money;

namespace SmallChange.Api;

/// <summary>An amount on the wire: exact decimal text and the ISO code.</summary>
public sealed record MoneyDto(string Amount, string Currency)
{
    public static MoneyDto From(Money m) => new(m.ToDecimalString(), m.Currency.Code);
}
