using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Hosting;

/// <summary>What the demo seed created: an operator key (printed at start) and the demo sources and holders.</summary>
public sealed record DemoInfo(string OperatorKey, IReadOnlyList<(Source Source, string Key)> Sources, IReadOnlyList<Holder> Holders);

/// <summary>
/// Seeds demo data for <c>serve --demo</c>: three sources (a carrier refunding prepaid balance in KRW, a creator
/// platform paying in USD, a gift-card issuer in EUR), five holders, and a few weeks of micro-credits.
/// Sources and holders are created once; every start issues a fresh operator key and source keys.
/// </summary>
public static class DemoSeed
{
    private static readonly (string Ref, string Name, string Country)[] People =
    [
        ("demo-minjun", "Kim Min-jun", "KR"),
        ("demo-seoyeon", "Lee Seo-yeon", "KR"),
        ("demo-ava", "Ava Thompson", "US"),
        ("demo-lukas", "Lukas Schneider", "DE"),
        ("demo-maria", "Maria Santos", "PH"),
    ];

    public static async Task<DemoInfo> Run(IStore store, CreditService credits, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var op = ApiKeys.Issue(ApiKeyScope.Operator, null, "demo operator", now);
        var existing = await store.ReadAsync(r => r.ListSources(null, 10), ct);
        var sources = existing.Items.Count > 0
            ? existing.Items.ToList()
            :
            [
                new Source(SourceId.New(), "Demo Mobile (carrier refunds)", SourceType.CarrierRefund, [Currencies.KRW], now),
                new Source(SourceId.New(), "Demo Creators (creator earnings)", SourceType.CreatorEarnings, [Currencies.USD, Currencies.EUR], now),
                new Source(SourceId.New(), "Demo Gift (gift-card credit)", SourceType.GiftCardCredit, [Currencies.EUR, Currencies.USD], now),
            ];
        var keys = sources.Select(s => ApiKeys.Issue(ApiKeyScope.Source, s.Id, $"demo {s.Name}", now)).ToList();
        var holders = new List<Holder>();
        await store.WriteAsync(async tx =>
        {
            await tx.InsertApiKey(op.Record);
            if (existing.Items.Count == 0)
            {
                foreach (var s in sources)
                {
                    await tx.InsertSource(s);
                }
            }

            foreach (var k in keys)
            {
                await tx.InsertApiKey(k.Record);
            }

            foreach (var (reference, name, country) in People)
            {
                var h = await tx.FindHolderByRef(reference);
                if (h is null)
                {
                    h = new Holder(HolderId.New(), reference, new PersonName(name), country, HolderStatus.Active, 1, now);
                    await tx.InsertHolder(h);
                }

                holders.Add(h);
            }

            return 0;
        }, ct);

        // Three weeks of micro-credits, idempotent by source reference so a restart adds nothing twice.
        var rng = new Random(20261121);
        for (var s = 0; s < sources.Count; s++)
        {
            var source = sources[s];
            var batch = new List<CreditCommand>();
            for (var day = 21; day >= 1; day--)
            {
                foreach (var h in holders)
                {
                    var currency = source.Currencies[rng.Next(source.Currencies.Count)];
                    var units = currency == Currencies.KRW
                        ? rng.Next(50, 3_000) * currency.LedgerUnitsPerMajor // KRW 50 – 3,000
                        : rng.Next(3_000, 2_500_000); // 0.003 – 2.50 in USD/EUR
                    batch.Add(new CreditCommand($"demo-{s}-{day}-{h.ExternalRef}", new HolderRef(h.Id, null), new Money(units, currency), now.AddDays(-day)));
                }
            }

            await credits.Apply(source.Id, batch, linked: false, ct);
        }

        return new DemoInfo(op.Plaintext, sources.Zip(keys, (s, k) => (s, k.Plaintext)).ToList(), holders);
    }
}
