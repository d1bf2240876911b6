using SmallChange.Hosting;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.StaffConsole;

/// <summary><c>smallchange staff add|list|disable</c>, run as the real executable.</summary>
public sealed class StaffCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Staff_AddListDisable_PasswordPrintedOnceAndAccountsListedWithoutSecrets()
    {
        using var dir = new TempDir("staffcli");
        var db = dir.File("staff.db");

        var add = await SmallChangeExe.Run(dir.Path, Timeout, "staff", "add", "kim@example.com", "--role", "ComplianceOfficer", "--db", db);
        Assert.True(add.ExitCode == 0, add.ToString());
        var password = add.Stdout.Trim();
        Assert.Matches("^[a-z2-7]{6}(-[a-z2-7]{6}){3}$", password);
        Assert.Contains("authenticator", add.Stderr, StringComparison.Ordinal);

        var twice = await SmallChangeExe.Run(dir.Path, Timeout, "staff", "add", "KIM@example.com", "--role", "auditor", "--db", db);
        Assert.Equal(1, twice.ExitCode);
        var bad = await SmallChangeExe.Run(dir.Path, Timeout, "staff", "add", "lee@example.com", "--role", "boss", "--db", db);
        Assert.Equal(2, bad.ExitCode);

        var list = await SmallChangeExe.Run(dir.Path, Timeout, "staff", "list", "--db", db);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("kim@example.com\tcompliance_officer\tnot enrolled\tactive", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(password, list.Stdout, StringComparison.Ordinal);

        var disable = await SmallChangeExe.Run(dir.Path, Timeout, "staff", "disable", "kim@example.com", "--db", db);
        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.Contains("\tdisabled\t", (await SmallChangeExe.Run(dir.Path, Timeout, "staff", "list", "--db", db)).Stdout, StringComparison.Ordinal);

        await using var store = StoreFactory.Open(db, TimeProvider.System);
        var trail = (await store.ReadAsync(r => r.ListStaffAudit(null, 10))).Items.Select(e => e.Action).ToList();
        Assert.Equal(["staff_disabled", "staff_added"], trail);
    }
}
