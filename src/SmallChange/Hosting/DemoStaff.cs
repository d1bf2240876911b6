using SmallChange.Cli;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;

namespace SmallChange.Hosting;

/// <summary>
/// Demo staff for <c>serve --demo</c> (demo only): two compliance officers and an auditor, as the four-eyes tour needs,
/// and two operator admins for fee schedule changes. Created once; their temporary passwords are printed on that start.
/// </summary>
public static class DemoStaff
{
    /// <summary>The officer who asked for the seeded four-eyes release (<see cref="DemoActivity"/>); the other one approves it.</summary>
    public const string FirstOfficer = "officer.kim@demo.smallchange.test";

    public const string SecondOfficer = "officer.lee@demo.smallchange.test";

    private static readonly (string Email, StaffRole Role)[] People =
    [
        (FirstOfficer, StaffRole.ComplianceOfficer),
        (SecondOfficer, StaffRole.ComplianceOfficer),
        ("auditor.park@demo.smallchange.test", StaffRole.Auditor),
        ("admin.choi@demo.smallchange.test", StaffRole.OperatorAdmin),
        ("admin.jung@demo.smallchange.test", StaffRole.OperatorAdmin),
    ];

    public static async Task<IReadOnlyList<string>> Run(IStore store, string publicUrl, DateTimeOffset now, CancellationToken ct)
    {
        var lines = new List<string> { $"Staff console (demo only): {publicUrl}/console/sign-in — the first sign-in sets up an authenticator app (mandatory)." };
        foreach (var (email, role) in People)
        {
            var added = await StaffCommand.AddAccount(store, email, role, StaffActor.Named("demo"), now, ct);
            lines.Add(added.TryGet(out var created, out _)
                ? $"  {role.Display(),-18} {email}  temporary password: {created.Password}"
                : $"  {role.Display(),-18} {email}  (exists; its password was printed when it was created)");
        }

        lines.Add("  Four-eyes: a release above the threshold by one officer waits on /console/approvals for the other; a fee change by one admin for the other.");
        lines.Add($"  One release waits already: asked for by {FirstOfficer}; sign in as {SecondOfficer} to approve it on /console/approvals.");
        return lines;
    }
}
