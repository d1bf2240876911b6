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

        await SeedHistory(sources, holders, credits, now, ct);
        return new DemoInfo(op.Plaintext, sources.Zip(keys, (s, k) => (s, k.Plaintext)).ToList(), holders);
    }

    /// <summary>Days of history before the first three weeks (so about five months in all).</summary>
    public const int HistoryDays = 150;

    /// <summary>
    /// More history, so that the portal's charts, history and statements show real data (issue 7): credits from every
    /// source for every holder on each day from <see cref="HistoryDays"/> days ago until the first three weeks, and for
    /// Ava Thompson, the holder the demo signs in as, three small creator payments a day throughout. Idempotent by
    /// source reference like the rest.
    /// </summary>
    private static async Task SeedHistory(IReadOnlyList<Source> sources, IReadOnlyList<Holder> holders, CreditService credits, DateTimeOffset now, CancellationToken ct)
    {
        var rng = new Random(20260307);
        var ava = holders.FirstOrDefault(h => h.ExternalRef == "demo-ava");
        for (var s = 0; s < sources.Count; s++)
        {
            var source = sources[s];
            var batch = new List<CreditCommand>();
            for (var day = HistoryDays; day >= 22; day--)
            {
                foreach (var h in holders)
                {
                    var currency = source.Currencies[rng.Next(source.Currencies.Count)];
                    var units = currency == Currencies.KRW
                        ? rng.Next(50, 3_000) * currency.LedgerUnitsPerMajor
                        : rng.Next(3_000, 2_500_000);
                    batch.Add(new CreditCommand($"demo7-{s}-{day}-{h.ExternalRef}", new HolderRef(h.Id, null), new Money(units, currency), now.AddDays(-day).AddHours(rng.Next(0, 12))));
                }
            }

            if (ava is not null && source.Type == SourceType.CreatorEarnings && source.Accepts(Currencies.USD))
            {
                for (var day = HistoryDays; day >= 1; day--)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        // Article reads and tips: USD 0.001 to 0.60, a little more as the months go by.
                        var units = rng.Next(1_000, 600_000) + ((HistoryDays - day) * 2_000);
                        batch.Add(new CreditCommand($"demo7-reads-{day}-{k}", new HolderRef(ava.Id, null), new Money(units, Currencies.USD), now.AddDays(-day).AddHours(6 + (k * 5))));
                    }
                }
            }

            await credits.Apply(source.Id, batch, linked: false, ct);
        }
    }

    /// <summary>The address the demo invites Ava Thompson's portal login to (mail goes to the mail folder, never out).</summary>
    public const string DemoPortalEmail = "ava@demo.smallchange.example";

    /// <summary>
    /// What a person needs to try the holder portal in the demo: the address, sign-up, and a one-time link to claim the
    /// funded demo holder Ava Thompson (an operator's portal invitation, also written to the mail folder). When Ava
    /// has chosen a password on an earlier run, how to sign in instead.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PortalTour(IServiceProvider services, DemoInfo info, string publicUrl, TimeSpan? coolingOff, CancellationToken ct)
    {
        var ava = info.Holders.First(h => h.ExternalRef == "demo-ava");
        using var scope = services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IStore>();
        var lines = new List<string>
        {
            $"Holder portal: {publicUrl}/",
            $"  As a new user: {publicUrl}/sign-up (sign up, set up two-factor, verify your identity, add a destination and cash out — the lines on new users below).",
        };
        var existing = await store.ReadAsync(r => r.FindPortalUserByHolder(ava.Id), ct);
        if (existing?.PasswordHash is not null)
        {
            lines.Add($"  As the demo holder Ava Thompson (funded, KYC tier 1): sign in at {publicUrl}/sign-in with {existing.Email.Value} and the password you chose.");
        }
        else
        {
            var invite = await scope.ServiceProvider.GetRequiredService<Portal.PortalInvites>()
                .Invite(ava.Id, DemoPortalEmail, Core.Security.ClientInfo.System, ct);
            lines.Add("  As the demo holder Ava Thompson (funded, KYC tier 1), claim her portal login with this one-time link (also in the mail folder):");
            lines.Add($"    {invite.Value.Link}");
        }

        lines.Add("  Then: Security → set up an authenticator app (scan the QR code with your phone); Destinations → add one, for example a US bank account");
        lines.Add($"  with routing number 021000021; it cools off for {(coolingOff is { } c ? $"{c.TotalMinutes:0} minutes in this demo" : "the jurisdiction's period")};");
        lines.Add("  Cash out → amount and destination → the fee table → confirm with a code from your app.");
        return lines;
    }
}
