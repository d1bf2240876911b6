using System.CommandLine;
using SmallChange.Core.Credits;
using SmallChange.Hosting;

namespace SmallChange.Cli;

public static class ServeCommand
{
    /// <summary>The demo's cooling-off of new destinations: long enough to see a cash-out refused, short enough to try again.</summary>
    public const int DemoCoolingOffMinutes = 2;

    public static Command Create()
    {
        var cmd = new Command("serve", "Serve the API, the holder portal and the staff console on 127.0.0.1");
        var demo = new Option<bool>("--demo") { Description = "Seed demo sources, holders and credits and print an operator key" };
        var urls = new Option<string>("--urls") { Description = "Listen addresses", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var config = new Option<string?>("--config") { Description = "Folder with providers.json and fx-rates.json (default: config next to the executable)" };
        var delay = new Option<double>("--sandbox-delay") { Description = "Seconds before a sandbox payout settles", DefaultValueFactory = _ => 3 };
        var failBps = new Option<int>("--sandbox-failure-bps") { Description = "Share of sandbox payouts that fail, basis points", DefaultValueFactory = _ => 300 };
        var returnBps = new Option<int>("--sandbox-return-bps") { Description = "Share of paid sandbox payouts returned later, basis points", DefaultValueFactory = _ => 100 };
        var callbacks = new Option<bool>("--sandbox-callbacks") { Description = "Sandbox providers report outcomes by signed webhook instead of answering the status poll" };
        var logKey = new Option<string?>("--log-key") { Description = "Checkpoint-signing key file (PEM; created if missing). Default: SMALLCHANGE_LOG_KEY_FILE, or <db>.log-key.pem for SQLite" };
        var coolingOff = new Option<int?>("--cooling-off-minutes") { Description = "Cooling-off of new payout destinations in minutes, replacing the jurisdiction profiles' (default: the profiles'; 2 with --demo)" };
        cmd.Options.Add(coolingOff);
        cmd.Options.Add(logKey);
        cmd.Options.Add(demo);
        cmd.Options.Add(urls);
        cmd.Options.Add(config);
        cmd.Options.Add(delay);
        cmd.Options.Add(failBps);
        cmd.Options.Add(returnBps);
        cmd.Options.Add(callbacks);
        cmd.SetAction(async (parse, ct) =>
        {
            var options = new ServeOptions(parse.GetValue(CliRoot.Db)!, parse.GetValue(urls)!)
            {
                Sandbox = new Adapters.Rails.Sandbox.SandboxOptions
                {
                    SettleDelay = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(delay), 0, 86_400)),
                    FailureBps = Math.Clamp(parse.GetValue(failBps), 0, 10_000),
                    ReturnBps = Math.Clamp(parse.GetValue(returnBps), 0, 10_000),
                    Callbacks = parse.GetValue(callbacks),
                },
            };
            options = options with { LogKeyFile = parse.GetValue(logKey), Demo = parse.GetValue(demo) };
            if ((parse.GetValue(coolingOff) ?? (parse.GetValue(demo) ? DemoCoolingOffMinutes : null)) is { } minutes)
            {
                options = options with { CoolingOffOverride = TimeSpan.FromMinutes(Math.Clamp(minutes, 0, 60 * 24 * 30)) };
            }
            if (parse.GetValue(config) is { } dir)
            {
                options = options with { ConfigDir = Path.GetFullPath(dir) };
            }

            await using var store = StoreFactory.Open(options.Db, options.Clock, parse.GetValue(CliRoot.PiiKeys));
            await store.MigrateAsync(ct);
            await using var app = SmallChangeHost.Build(options, store);
            if (parse.GetValue(demo))
            {
                var info = await DemoSeed.Run(store, app.Services.GetRequiredService<CreditService>(), options.Clock, ct);
                // Staff first: the activity's four-eyes request is asked for by a demo officer (printed below, after the tour).
                var staffLines = await DemoStaff.Run(store, app.Services.GetRequiredService<Portal.PortalOptions>().PublicUrl!, options.Clock.GetUtcNow(), ct);
                var activity = await DemoActivity.Run(app.Services, info, ct);
                Console.WriteLine("SmallChange demo data is ready. Paste these lines into your shell for the README tour:");
                Console.WriteLine($"  export SC_API={options.Urls.Split(';')[0].TrimEnd('/')}");
                Console.WriteLine($"  export SC_KEY={info.OperatorKey}");
                var (creator, creatorKey) = info.Sources.First(s => s.Source.Type == Core.Sources.SourceType.CreatorEarnings);
                Console.WriteLine($"  export SC_SOURCE={creator.Id}");
                Console.WriteLine($"  export SC_SOURCE_KEY={creatorKey}");
                Console.WriteLine($"  export SC_HOLDER={info.Holders.First(h => h.ExternalRef == "demo-ava").Id}");
                Console.WriteLine("Other demo sources and holders:");
                foreach (var (source, key) in info.Sources)
                {
                    Console.WriteLine($"  source {source.Id} {source.Name}: key {key}");
                }

                foreach (var h in info.Holders)
                {
                    Console.WriteLine($"  holder {h.Id} ref {h.ExternalRef} ({h.Country})");
                }

                Console.WriteLine($"  Demo activity: {activity.CashoutsAdded} cash-outs added on this start ({activity.CashoutsPaid} of them paid); console: a held cash-out in case {activity.HeldCase}, a sanctions near match in case {activity.NearMatchCase}, a KYC submission in the queue, a CTR under reports{(activity.AwaitingApproval is { } approval ? $", a release request {approval} awaiting a second officer" : "")}");
                var publicUrl = app.Services.GetRequiredService<Portal.PortalOptions>().PublicUrl!;
                foreach (var line in await DemoSeed.PortalTour(app.Services, info, publicUrl, options.CoolingOffOverride, ct))
                {
                    Console.WriteLine(line);
                }

                var verifier = app.Services.GetRequiredService<Core.Compliance.Kyc.KycService>().VerifierName;
                Console.WriteLine("  New users in this demo: sign-up credits a welcome balance from the demo sources (USD 27.25 creator earnings, EUR 15.00 gift-card credit);");
                Console.WriteLine(verifier == Core.Compliance.Kyc.SandboxIdentityVerifier.VerifierName
                    ? $"  Identity ({publicUrl}/identity) uses the SANDBOX identity check: complete details of an adult are approved at once (KYC tier 1)."
                    : $"  Identity ({publicUrl}/identity) goes to the '{verifier}' verifier (SmallChange:Kyc:Verifier); with 'manual' an officer decides in the console.");
                foreach (var line in staffLines)
                {
                    Console.WriteLine(line);
                }
            }

            await app.StartAsync(ct);
            Console.WriteLine($"Listening on {options.Urls} (database: {StoreFactory.Describe(options.Db)}). Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return cmd;
    }
}
