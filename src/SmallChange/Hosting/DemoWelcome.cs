using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Hosting;

/// <summary>
/// The demo's welcome credit (<c>serve --demo</c> only, <see cref="ServeOptions.Demo"/>): a holder who signs up in the
/// portal receives a few real credits from the demo sources that <see cref="DemoSeed"/> created, through
/// <see cref="CreditService"/> like any other credit, so that a new user can try a whole cash-out. Three creator
/// payments in USD from the creator platform (USD 27.25 in all) and one EUR 15.00 gift-card credit, each well above
/// the providers' minimum payout. Idempotent by source reference (<c>welcome-HOLDERID-N</c>): granting twice to the
/// same holder adds nothing. Outside the demo, or when the demo sources are missing, it does nothing.
/// </summary>
public sealed class DemoWelcome(IStore store, CreditService credits, ServeOptions options, TimeProvider clock)
{
    /// <summary>The welcome credits: source type, currency, amount in major units.</summary>
    public static readonly IReadOnlyList<(SourceType Type, Currency Currency, decimal Amount)> Credits =
    [
        (SourceType.CreatorEarnings, Currencies.USD, 12.40m),
        (SourceType.CreatorEarnings, Currencies.USD, 8.75m),
        (SourceType.CreatorEarnings, Currencies.USD, 6.10m),
        (SourceType.GiftCardCredit, Currencies.EUR, 15.00m),
    ];

    public bool Enabled => options.Demo;

    /// <summary>The source reference of the <paramref name="index"/>th welcome credit of <paramref name="holder"/>.</summary>
    public static string SourceRef(HolderId holder, int index) => $"welcome-{holder.Value:N}-{index + 1}";

    /// <summary>Credits <paramref name="holder"/> (demo only); returns how many credits were created by this call.</summary>
    public async Task<int> Grant(HolderId holder, CancellationToken ct = default)
    {
        if (!Enabled)
        {
            return 0;
        }

        var sources = (await store.ReadAsync(r => r.ListSources(null, 50), ct)).Items;
        var now = clock.GetUtcNow();
        var created = 0;
        foreach (var group in Credits.Select((c, i) => (c, i)).GroupBy(x => (x.c.Type, x.c.Currency)))
        {
            var source = sources.FirstOrDefault(s => s.Type == group.Key.Type && s.Accepts(group.Key.Currency));
            if (source is null)
            {
                continue;
            }

            var batch = group.Select(x => new CreditCommand(SourceRef(holder, x.i), new HolderRef(holder, null),
                new Money(checked((long)(x.c.Amount * x.c.Currency.LedgerUnitsPerMajor)), x.c.Currency), now.AddMinutes(x.i - Credits.Count))).ToList();
            var applied = await credits.Apply(source.Id, batch, linked: false, ct);
            if (applied.TryGet(out var outcomes, out _))
            {
                created += outcomes.Count(o => o.Status == CreditOutcomeStatus.Created);
            }
        }

        return created;
    }
}
