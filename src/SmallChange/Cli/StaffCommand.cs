using System.CommandLine;
using System.Globalization;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.Hosting;
using SmallChange.StaffConsole;

namespace SmallChange.Cli;

/// <summary>
/// <c>staff add EMAIL --role ROLE</c>, <c>staff list</c>, <c>staff disable EMAIL</c>: the console's staff accounts. A new
/// account gets a random temporary password, printed once on standard output; its first sign-in at <c>/console</c> sets
/// up an authenticator app before any console page opens. Each change is in the staff trail with the CLI's actor.
/// </summary>
public static class StaffCommand
{
    public static Command Create()
    {
        var staff = new Command("staff", "Staff accounts of the console (compliance officers, operator admins, auditors)");
        staff.Subcommands.Add(Add());
        staff.Subcommands.Add(List());
        staff.Subcommands.Add(Disable());
        return staff;
    }

    private static Option<string> ActorOption() => new("--actor")
    {
        Description = "Who makes the change, for the staff trail (default: cli: and the login name)",
        DefaultValueFactory = _ => "cli:" + Environment.UserName,
    };

    private static Command Add()
    {
        var email = new Argument<string>("EMAIL") { Description = "The staff member's work e-mail address (their sign-in name)" };
        var role = new Option<string>("--role") { Description = "compliance_officer (ComplianceOfficer), operator_admin (OperatorAdmin) or auditor (Auditor)", Required = true };
        var actor = ActorOption();
        var cmd = new Command("add", "Add a staff account and print its temporary password (shown once)") { email, role, actor };
        cmd.SetAction(async (parse, ct) =>
        {
            if (StaffRoles.FromWire(parse.GetValue(role)) is not { } r)
            {
                Console.Error.WriteLine("smallchange: --role is compliance_officer, operator_admin or auditor");
                return 2;
            }

            await using var store = StoreFactory.Open(parse.GetValue(CliRoot.Db)!, TimeProvider.System);
            await store.MigrateAsync(ct);
            var result = await AddAccount(store, parse.GetValue(email), r, StaffActor.Named(parse.GetValue(actor)!), DateTimeOffset.UtcNow, ct);
            if (!result.TryGet(out var created, out var error))
            {
                Console.Error.WriteLine($"smallchange: {error}");
                return 1;
            }

            Console.Error.WriteLine($"added {created.User.Role.Display()} {created.User.Id}; sign in at /console/sign-in with this temporary password, then set up an authenticator app:");
            Console.WriteLine(created.Password);
            return 0;
        });
        return cmd;
    }

    /// <summary>Creates the account (the e-mail must be new) and records it in the staff trail; returns it with its temporary password.</summary>
    public static async Task<Core.Common.Result<(StaffUser User, string Password)>> AddAccount(IStore store, string? email, StaffRole role, StaffActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var made = StaffAccounts.NewAccount(email, role, now);
        if (!made.TryGet(out var created, out var error))
        {
            return error;
        }

        var inserted = await store.WriteAsync(async tx =>
        {
            if (await tx.FindStaffByEmail(created.User.NormalizedEmail) is not null)
            {
                return false;
            }

            await tx.InsertStaff(created.User);
            await tx.InsertStaffAudit(StaffAuditEntry.Of(actor, StaffActions.Added, created.User.Id.ToString(), $"{created.User.Email.Value} as {role.Display()}", now));
            return true;
        }, ct);
        return inserted ? created : new Core.Common.Error("staff.conflict", "A staff account with this e-mail address exists already.", "email");
    }

    private static Command List()
    {
        var cmd = new Command("list", "List staff accounts (never passwords or secrets)");
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = StoreFactory.Open(parse.GetValue(CliRoot.Db)!, TimeProvider.System);
            await store.MigrateAsync(ct);
            Console.WriteLine("id\temail\trole\ttwo_factor\tstatus\tcreated_at");
            foreach (var s in await store.ReadAsync(r => r.ListStaff(), ct))
            {
                Console.WriteLine(string.Join('\t', s.Id, s.Email.Value, s.Role.ToWire(), s.TwoFactorEnabled ? "on" : "not enrolled",
                    s.IsActive ? "active" : "disabled", s.CreatedAt.ToString("O", CultureInfo.InvariantCulture)));
            }

            return 0;
        });
        return cmd;
    }

    private static Command Disable()
    {
        var email = new Argument<string>("EMAIL") { Description = "The staff member's e-mail address" };
        var actor = ActorOption();
        var cmd = new Command("disable", "Disable a staff account: it cannot sign in, and its open sessions end at their next request") { email, actor };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var store = StoreFactory.Open(parse.GetValue(CliRoot.Db)!, TimeProvider.System);
            await store.MigrateAsync(ct);
            var now = DateTimeOffset.UtcNow;
            var who = StaffActor.Named(parse.GetValue(actor)!);
            var disabled = await store.WriteAsync(async tx =>
            {
                if (await tx.FindStaffByEmail(StaffAccounts.Normalize(parse.GetValue(email)!)) is not { } s || !await tx.DisableStaff(s.Id, Guid.NewGuid().ToString("N"), now))
                {
                    return false;
                }

                await tx.InsertStaffAudit(StaffAuditEntry.Of(who, StaffActions.Disabled, s.Id.ToString(), s.Email.Value, now));
                return true;
            }, ct);
            if (!disabled)
            {
                Console.Error.WriteLine("smallchange: no active staff account with this e-mail address");
                return 1;
            }

            Console.WriteLine("disabled");
            return 0;
        });
        return cmd;
    }
}
