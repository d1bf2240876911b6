namespace SmallChange.Core.Providers.Trust;

/// <summary>
/// How a provider's cash-outs ended within a window, from the store: paid (and stayed paid), failed, or returned after
/// being paid. Counts only; no holder, amount or destination.
/// </summary>
public sealed record ProviderOutcomes(string ProviderId, int Paid, int Failed, int Returned)
{
    /// <summary>Every cash-out that reached an end: paid + failed + returned.</summary>
    public int Finished => checked(Paid + Failed + Returned);

    /// <summary>Cash-outs the provider delivered (paid, including those returned later).</summary>
    public int Delivered => checked(Paid + Returned);

    public static ProviderOutcomes None(string providerId) => new(providerId, 0, 0, 0);
}
