using SmallChange.Core.Common;
using SmallChange.Core.Money;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>
/// What the rules read of a set of credits: how many, their total (in the profile currency), and how many distinct
/// sources and distinct named senders they came from.
/// </summary>
public readonly record struct CreditFigures(int Count, Money.Money Total, int Sources, int Senders);

/// <summary>
/// The figures of a changing set of credits, all in one currency, kept as credits enter and leave: a count, a total, and
/// counted multisets of sources and named senders (ordinal), so a window sliding over time-ordered credits costs
/// O(1) per credit rather than a re-scan. The per-event path builds one from a list (<see cref="Of"/>), the credit
/// monitor's batch evaluation keeps one per window as it slides (<see cref="AmlCreditBatch"/>): the rules see the
/// same <see cref="CreditFigures"/> either way.
/// </summary>
public sealed class CreditAggregate
{
    private readonly Dictionary<SourceId, int> _sources = [];
    private readonly Dictionary<string, int> _senders = new(StringComparer.Ordinal);

    public CreditAggregate(Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        Total = Money.Money.Zero(currency);
    }

    /// <summary>Credits in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Their total (checked: an overflow throws, as a sum of the list would).</summary>
    public Money.Money Total { get; private set; }

    /// <summary>The figures of the set.</summary>
    public CreditFigures Figures => new(Count, Total, _sources.Count, _senders.Count);

    /// <summary>An aggregate of <paramref name="credits"/> (all in <paramref name="currency"/>).</summary>
    public static CreditAggregate Of(Currency currency, IEnumerable<AmlCredit> credits)
    {
        var a = new CreditAggregate(currency);
        foreach (var c in credits)
        {
            a.Add(c);
        }

        return a;
    }

    public void Add(AmlCredit credit)
    {
        Count++;
        Total += credit.Amount;
        Increment(_sources, credit.Source);
        if (credit.Sender is { } sender)
        {
            Increment(_senders, sender);
        }
    }

    /// <summary>Removes a credit added before (removing one that is not in the set is a programmer error).</summary>
    public void Remove(AmlCredit credit)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The aggregate is empty.");
        }

        Count--;
        Total -= credit.Amount;
        Decrement(_sources, credit.Source);
        if (credit.Sender is { } sender)
        {
            Decrement(_senders, sender);
        }
    }

    /// <summary>The figures of the set with <paramref name="extra"/> added, the set itself unchanged.</summary>
    public CreditFigures With(AmlCredit extra) => new(
        Count + 1,
        Total + extra.Amount,
        _sources.Count + (_sources.ContainsKey(extra.Source) ? 0 : 1),
        _senders.Count + (extra.Sender is { } s && !_senders.ContainsKey(s) ? 1 : 0));

    private static void Increment<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private static void Decrement<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        var n = counts.GetValueOrDefault(key);
        if (n <= 1)
        {
            if (n == 0)
            {
                throw new InvalidOperationException("Removed a credit that was not added.");
            }

            counts.Remove(key);
        }
        else
        {
            counts[key] = n - 1;
        }
    }
}
