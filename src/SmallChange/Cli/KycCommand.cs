using System.CommandLine;
using System.Text.Json;
using SmallChange.Api.Kyc;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Hosting;

namespace SmallChange.Cli;

/// <summary>
/// <c>smallchange kyc queue|show|decide</c>: the officers' side of KYC review from a terminal. <c>queue</c> lists the
/// submissions waiting, oldest first (document numbers masked); <c>show ID</c> prints one in full with its history;
/// <c>decide ID approve|reject --reason TEXT</c> records the decision under <c>cli:OFFICER</c> (<c>--officer</c>,
/// default the login name). Exit 0; 1 when the decision is refused (unknown, already decided); 2 for bad arguments.
/// </summary>
public static class KycCommand
{
    public static Command Create()
    {
        var kyc = new Command("kyc", "KYC review: the queue of identity submissions and officers' decisions");
        kyc.Subcommands.Add(Queue());
        kyc.Subcommands.Add(Show());
        kyc.Subcommands.Add(Decide());
        return kyc;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON (as the API answers)" };

    private static Command Queue()
    {
        var json = JsonOption();
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 50 };
        var cmd = new Command("queue", "List the submissions waiting for review, oldest first");
        cmd.Options.Add(json);
        cmd.Options.Add(limit);
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var service = new KycService(store, new ManualReviewQueue(), TimeProvider.System);
            var page = await service.Queue(null, Math.Clamp(parse.GetValue(limit), 1, 500), ct);
            var items = page.Items.Select(s => KycSubmissionResponse.From(s, maskDocument: true)).ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(items, ScreenCommand.Json));
                return 0;
            }

            var now = DateTimeOffset.UtcNow;
            Console.WriteLine(items.Count == 0 ? "The KYC review queue is empty." : $"{items.Count} submission(s) waiting{(page.NextCursor is null ? "" : " (more after these)")}:");
            foreach (var s in page.Items)
            {
                var waiting = now - s.SubmittedAt;
                Console.WriteLine($"{s.Id}  tier {s.TargetTier}  holder {s.Holder}  waiting {(int)waiting.TotalHours}h{waiting.Minutes:00}m  " +
                    $"{s.Identity.DocumentType.ToWireName()} {s.Identity.MaskedDocumentNumber} ({s.Identity.DocumentCountry})  nationality {s.Identity.Nationality}");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var id = new Argument<Guid>("id") { Description = "The submission id" };
        var json = JsonOption();
        var cmd = new Command("show", "Print one submission in full (personal data) with its history");
        cmd.Arguments.Add(id);
        cmd.Options.Add(json);
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var found = await new KycService(store, new ManualReviewQueue(), TimeProvider.System).Get(new KycSubmissionId(parse.GetValue(id)), ct);
            if (found is not { } f)
            {
                Console.Error.WriteLine("kyc: no such submission");
                return 1;
            }

            var dto = KycSubmissionResponse.From(f.Submission, maskDocument: false, f.Events);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(dto, ScreenCommand.Json));
                return 0;
            }

            var i = dto.Identity;
            Console.WriteLine($"submission {dto.Id} for tier {dto.TargetTier}: {dto.Status} (verifier {dto.Verifier})");
            Console.WriteLine($"  holder        {dto.HolderId}");
            Console.WriteLine($"  legal name    {i.LegalName}");
            Console.WriteLine($"  born          {i.DateOfBirth}, nationality {i.Nationality}");
            Console.WriteLine($"  address       {string.Join(", ", new[] { i.Address.Line1, i.Address.Line2, i.Address.City, i.Address.Region, i.Address.PostalCode, i.Address.Country }.Where(x => !string.IsNullOrEmpty(x)))}");
            Console.WriteLine($"  document      {i.DocumentType} {i.DocumentNumber} issued by {i.DocumentCountry}");
            if (i.SourceOfFunds is { } funds)
            {
                Console.WriteLine($"  funds from    {funds}");
            }

            foreach (var e in dto.Events ?? [])
            {
                Console.WriteLine($"  {e.Sequence,3}. {e.At}  {e.Action,-12}  {e.Actor}{(e.TierTo is { } to ? $"  tier {e.TierFrom} -> {to}" : "")}{(e.Reason is { } why ? ": " + why : "")}");
            }

            return 0;
        });
        return cmd;
    }

    private static Command Decide()
    {
        var id = new Argument<Guid>("id") { Description = "The submission id" };
        var decision = new Argument<string>("decision") { Description = "approve or reject" };
        decision.AcceptOnlyFromAmong("approve", "reject");
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the holder's KYC history)", Required = true };
        var officer = new Option<string?>("--officer") { Description = "Who decides (default: the login name); recorded as cli:NAME" };
        var json = JsonOption();
        var cmd = new Command("decide", "Approve (raising the holder's tier) or reject a submission, with a reason");
        cmd.Arguments.Add(id);
        cmd.Arguments.Add(decision);
        cmd.Options.Add(reason);
        cmd.Options.Add(officer);
        cmd.Options.Add(json);
        cmd.SetAction(async (parse, ct) =>
        {
            var who = parse.GetValue(officer) is { Length: > 0 } o ? o.Trim() : Environment.UserName;
            if (who.Length is 0 or > 100 || who.Any(char.IsControl))
            {
                Console.Error.WriteLine("kyc: --officer is 1 to 100 printable characters");
                return 2;
            }

            await using var store = CliRoot.OpenStore(parse);
            await store.MigrateAsync(ct);
            var service = new KycService(store, new ManualReviewQueue(), TimeProvider.System);
            var result = await service.Decide(new KycSubmissionId(parse.GetValue(id)), KycWire.DecisionFromWire(parse.GetValue(decision))!.Value,
                parse.GetValue(reason), "cli:" + who, ct);
            if (!result.TryGet(out var r, out var error))
            {
                Console.Error.WriteLine($"kyc: {error.Code}: {error.Message}");
                return error.Code == "kyc.reason_invalid" ? 2 : 1;
            }

            var s = r.Submission;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(KycSubmissionResponse.From(s, maskDocument: true, replayed: r.Replayed), ScreenCommand.Json));
                return 0;
            }

            var tier = await store.ReadAsync(x => x.GetHolder(s.Holder), ct);
            Console.WriteLine($"{s.Id}: {s.Status.ToWire()}{(r.Replayed ? " (already, same decision)" : "")} by {s.DecidedBy}; holder {s.Holder} is at tier {tier?.KycTier}");
            return 0;
        });
        return cmd;
    }
}
