using System.CommandLine;
using SmallChange.Adapters.Rails.Sandbox;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Quotes;
using SmallChange.Core.Sources;
using SmallChange.Hosting;
using Spectre.Console;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange demo</c>: simulates D days of micropayments for N holders on a simulated clock — creator earnings of
/// a few cents, carrier refunds, gift-card credit — and the cash-outs holders make when the fees stop hurting, settled by
/// the sandbox providers. The seed fixes holders, credits and behaviour; settlement outcomes are drawn per cash-out id by
/// the sandbox. Ends with a summary table and a ledger verification.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("demo", "Simulate a period of micropayments and cash-outs on the sandbox providers");
        var holders = new Option<int>("--holders") { Description = "Holders to simulate", DefaultValueFactory = _ => 200 };
        var days = new Option<int>("--days") { Description = "Days to simulate, ending now", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same simulation)", DefaultValueFactory = _ => 1 };
        var config = new Option<string?>("--config") { Description = "Folder with providers.json and fx-rates.json" };
        cmd.Options.Add(holders);
        cmd.Options.Add(days);
        cmd.Options.Add(seed);
        cmd.Options.Add(config);
        cmd.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(holders);
            var d = parse.GetValue(days);
            if (n is < 1 or > 100_000 || d is < 1 or > 366)
            {
                Console.Error.WriteLine("demo: --holders must be 1..100000 and --days 1..366");
                return 2;
            }

            var configDir = parse.GetValue(config) is { } dir ? Path.GetFullPath(dir) : Path.Combine(AppContext.BaseDirectory, "config");
            var setup = PayoutConfig.Load(configDir);
            var summary = await Simulation.Run(parse.GetValue(CliRoot.Db)!, setup, configDir, n, d, parse.GetValue(seed), ct, parse.GetValue(CliRoot.PiiKeys));
            Render(summary);
            return summary.VerifiedOk ? 0 : 1;
        });
        return cmd;
    }

    private static void Render(Simulation.Summary s)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 132);
        }

        static string N(long v) => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        var credits = new Table().Title("Credits received").AddColumns("currency", "credits", "total");
        foreach (var (cur, (count, units)) in s.Credits.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            credits.AddRow(cur, N(count), new Money(units, Currencies.Find(cur)!).ToDecimalString());
        }

        var cashouts = new Table().Title("Cash-outs per method").AddColumns("method", "cur", "asked", "paid", "failed", "returned", "rejected", "gross paid", "fees paid", "avg cost");
        foreach (var ((method, cur), m) in s.Methods.OrderBy(k => k.Key.Method, StringComparer.Ordinal).ThenBy(k => k.Key.Currency, StringComparer.Ordinal))
        {
            var c = Currencies.Find(cur)!;
            var accepted = m.Requested - m.Rejected;
            cashouts.AddRow(method, cur, N(m.Requested), N(m.Paid), N(m.Failed), N(m.Returned), N(m.Rejected),
                new Money(m.GrossPaid, c).ToDecimalString(), new Money(m.FeesPaid, c).ToDecimalString(),
                accepted == 0 ? "-" : $"{m.CostBpsSum / 100m / accepted:0.00}%");
        }

        AnsiConsole.Write(credits);
        AnsiConsole.Write(cashouts);
        AnsiConsole.MarkupLine(s.VerifiedOk ? "[green]verify: ok[/] — every currency balances, no wallet is negative" : $"[red]verify: FAILED[/] {Markup.Escape(s.Violation ?? "")}");
    }
}

/// <summary>A clock the simulation moves by hand.</summary>
internal sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class Simulation
{
    public sealed class MethodStats
    {
        public int Requested;
        public int Paid;
        public int Failed;
        public int Returned;
        public int Rejected;
        public long CostBpsSum;
        public long GrossPaid;
        public long FeesPaid;
    }

    public sealed record Summary(Dictionary<string, (long Count, long Units)> Credits, Dictionary<(string Method, string Currency), MethodStats> Methods, bool VerifiedOk, string? Violation);

    private sealed record SimHolder(Holder Holder, string Country, Currency Wallet, Destination? Destination, long DailyEarning);

    private static readonly (string Country, Currency Currency)[] Countries =
        [("KR", Currencies.KRW), ("US", Currencies.USD), ("DE", Currencies.EUR), ("GB", Currencies.GBP), ("PH", Currencies.PHP), ("JP", Currencies.JPY)];

    public static async Task<Summary> Run(string db, PayoutSetup setup, string configDir, int holderCount, int days, int seed, CancellationToken ct, string? piiKeys = null)
    {
        var rng = new Random(seed);
        var end = DateTimeOffset.UtcNow;
        var clock = new SimulatedClock(end.AddDays(-days));
        await using var store = StoreFactory.Open(db, clock, piiKeys);
        await store.MigrateAsync(ct);
        var engine = new LedgerEngine(clock);
        var accounts = new AccountDirectory(store);
        var credits = new CreditService(store, accounts, clock);
        var (compliance, reports) = Api.Compliance.ComplianceSetup.ForTool(setup, configDir);
        var cashouts = new CashoutService(store, engine, accounts, setup with { QuoteLock = TimeSpan.FromHours(1) }, clock, compliance, reports);
        var rail = new SandboxRail(store, new SandboxOptions { SettleDelay = TimeSpan.FromHours(2), FailureBps = 300, ReturnBps = 100, ReturnDelay = TimeSpan.FromDays(1) }, clock);
        var processor = new CashoutProcessor(store, engine, accounts, setup, new PayoutRails([rail]), clock);

        var run = $"demo{seed}-{Guid.NewGuid():N}"[..24];
        var sources = new[]
        {
            new Source(SourceId.New(), "Simulated creator platform", SourceType.CreatorEarnings, [Currencies.USD, Currencies.EUR, Currencies.GBP, Currencies.PHP, Currencies.JPY], clock.Now),
            new Source(SourceId.New(), "Simulated carrier refunds", SourceType.CarrierRefund, [Currencies.KRW, Currencies.JPY], clock.Now),
            new Source(SourceId.New(), "Simulated gift-card issuer", SourceType.GiftCardCredit, [Currencies.USD, Currencies.EUR, Currencies.GBP, Currencies.KRW], clock.Now),
        };
        var sim = new List<SimHolder>(holderCount);
        await store.WriteAsync(async tx =>
        {
            foreach (var s in sources)
            {
                await tx.InsertSource(s);
            }

            return 0;
        }, ct);

        var methods = new Dictionary<(string Method, string Currency), MethodStats>();
        var creditStats = new Dictionary<string, (long Count, long Units)>(StringComparer.Ordinal);
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var setupTask = progress.AddTask("holders and destinations", maxValue: holderCount);
                for (var i = 0; i < holderCount; i++)
                {
                    var (country, currency) = Countries[rng.Next(Countries.Length)];
                    var tier = rng.Next(100) < 92 ? 1 : 0; // some holders never verified their identity
                    var holder = new Holder(HolderId.New(), $"{run}-{i}", new PersonName($"Simulated Holder {i}"), country, HolderStatus.Active, tier, clock.Now);
                    await store.WriteAsync(async tx => { await tx.InsertHolder(holder); return 0; }, ct);
                    var dest = await cashouts.AddDestination(holder.Id, DestinationFor(country, i, rng), currency.Code, ct);
                    // Daily earnings: a few cents to a few units of the wallet currency.
                    var earning = currency.LedgerUnitsPerMajor * (currency.IsoMinorUnit == 0 ? rng.Next(20, 400) * (currency == Currencies.KRW ? 10 : 1) : 1) / (currency.IsoMinorUnit == 0 ? 1 : rng.Next(2, 20));
                    sim.Add(new SimHolder(holder, country, currency, dest.IsOk ? dest.Value : null, earning));
                    setupTask.Increment(1);
                }

                var dayTask = progress.AddTask($"{days} days of micropayments", maxValue: days * 24);
                for (var day = 0; day < days; day++)
                {
                    for (var hour = 0; hour < 24; hour++)
                    {
                        clock.Now = end.AddDays(-days + day).AddHours(hour);
                        if (hour % 6 == 0)
                        {
                            await CreditRound(sim, sources, credits, rng, clock, day, hour, creditStats, ct);
                        }

                        if (hour == 20)
                        {
                            await CashoutRound(sim, cashouts, store, rng, clock, methods, ct);
                        }

                        await processor.DispatchDue(1_000, ct);
                        await processor.Settle(1_000, ct);
                        dayTask.Increment(1);
                    }
                }

                // Let the last payouts settle.
                for (var h = 0; h < 48; h++)
                {
                    clock.Now = clock.Now.AddHours(1);
                    await processor.DispatchDue(1_000, ct);
                    await processor.Settle(1_000, ct);
                }
            });

        string? cursor = null;
        var seen = new HashSet<HolderId>(sim.Select(s => s.Holder.Id));
        do
        {
            var current = cursor;
            var page = await store.ReadAsync(r => r.ListCashouts(null, current, 500), ct);
            foreach (var c in page.Items.Where(c => seen.Contains(c.Holder)))
            {
                var m = Stats(methods, c);
                switch (c.State)
                {
                    case CashoutState.Paid:
                        m.Paid++;
                        m.FeesPaid += c.Fee.Units;
                        m.GrossPaid += c.Gross.Units;
                        break;
                    case CashoutState.Failed:
                        m.Failed++;
                        break;
                    case CashoutState.Returned:
                        m.Returned++;
                        break;
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var report = await LedgerVerifier.Verify(store, ct);
        return new Summary(creditStats, methods, report.Ok, report.FirstViolation);
    }

    private static async Task CreditRound(List<SimHolder> sim, Source[] sources, CreditService credits, Random rng, SimulatedClock clock, int day, int hour,
        Dictionary<string, (long Count, long Units)> stats, CancellationToken ct)
    {
        foreach (var source in sources)
        {
            var batch = new List<CreditCommand>();
            foreach (var h in sim)
            {
                if (!source.Accepts(h.Wallet) || rng.Next(100) >= 60)
                {
                    continue;
                }

                // Micropayments: mostly a fraction of the daily rate, sometimes a tiny per-use payment (USD 0.003).
                var units = rng.Next(10) == 0 ? Math.Max(1, h.Wallet.LedgerUnitsPerIsoMinor * 3 / 10) : Math.Max(1, h.DailyEarning * rng.Next(5, 60) / 100);
                if (h.Wallet.IsoMinorUnit == 0)
                {
                    units = Math.Max(h.Wallet.LedgerUnitsPerIsoMinor, units - (units % h.Wallet.LedgerUnitsPerIsoMinor));
                }

                batch.Add(new CreditCommand($"{h.Holder.ExternalRef}-{day}-{hour}-{source.Id.Value:N}", new HolderRef(h.Holder.Id, null), new Money(units, h.Wallet), clock.Now));
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var r = await credits.Apply(source.Id, batch, linked: false, ct);
            foreach (var o in r.Value.Where(o => o.Status == CreditOutcomeStatus.Created))
            {
                var s = stats.GetValueOrDefault(o.Credit!.Amount.Currency.Code);
                stats[o.Credit.Amount.Currency.Code] = (s.Count + 1, s.Units + o.Credit.Amount.Units);
            }
        }
    }

    private static async Task CashoutRound(List<SimHolder> sim, CashoutService cashouts, IStore store, Random rng, SimulatedClock clock,
        Dictionary<(string Method, string Currency), MethodStats> methods, CancellationToken ct)
    {
        foreach (var h in sim)
        {
            if (h.Destination is not { } dest || rng.Next(100) >= 50)
            {
                continue;
            }

            var wallet = await store.ReadAsync(r => r.FindAccount(AccountKey.Wallet(h.Holder.Id, h.Wallet)), ct);
            if (wallet is null || !wallet.Available.IsPositive)
            {
                continue;
            }

            var quote = await cashouts.Quote(h.Holder.Id, new QuoteRequest(wallet.Available, dest.Currency, dest.Country, clock.Now) { Method = dest.Method }, ct);
            if (!quote.IsOk || quote.Value.Draft.Options.Count == 0 || quote.Value.Draft.Wait is not null)
            {
                continue; // wait until the fees stop eating the balance
            }

            var r = await cashouts.Request(new CashoutCommand(h.Holder.Id, quote.Value.Id, dest.Id, null), $"sim-{quote.Value.Id}", quote.Value.Id.Value.ToByteArray(), ct);
            if (!r.IsOk)
            {
                continue;
            }

            var c = r.Value.Cashout;
            var m = Stats(methods, c);
            m.Requested++;
            if (c.State == CashoutState.Rejected)
            {
                m.Rejected++;
            }
            else
            {
                m.CostBpsSum += c.Option.EffectiveCostBps;
            }
        }
    }

    private static MethodStats Stats(Dictionary<(string Method, string Currency), MethodStats> methods, Cashout c)
    {
        var key = (c.Method.ToWireName(), c.Gross.Currency.Code);
        return methods.GetValueOrDefault(key) ?? (methods[key] = new MethodStats());
    }

    private static DestinationInput DestinationFor(string country, int i, Random rng)
    {
        var name = $"Simulated Holder {i}";
        var pick = rng.Next(10);
        if (pick == 0)
        {
            return new DestinationInput { Kind = DestinationKind.Crypto, Country = country, AccountHolderName = name, Network = "ethereum", Address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Asset = "USDC" };
        }

        if (pick <= 2)
        {
            return new DestinationInput { Kind = DestinationKind.DigitalWallet, Country = country, AccountHolderName = name, Email = $"holder{i}@example.com" };
        }

        if (pick == 3 && country is "US" or "GB" or "DE")
        {
            return new DestinationInput { Kind = DestinationKind.PrepaidCard, Country = country, AccountHolderName = name, CardNumber = "4111111111111111" };
        }

        return country switch
        {
            "KR" => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "KR", AccountHolderName = name, BankCode = "004", AccountNumber = $"{100000000000L + i}" },
            "US" => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "US", AccountHolderName = name, RoutingNumber = "021000021", AccountNumber = $"{10000000 + i}" },
            "DE" => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "DE", AccountHolderName = name, Iban = "DE89370400440532013000" },
            "GB" => new DestinationInput { Kind = DestinationKind.BankAccount, Country = "GB", AccountHolderName = name, Iban = "GB82WEST12345698765432" },
            _ => new DestinationInput { Kind = DestinationKind.DigitalWallet, Country = country, AccountHolderName = name, Phone = $"+6391{7000000 + i}" },
        };
    }
}
