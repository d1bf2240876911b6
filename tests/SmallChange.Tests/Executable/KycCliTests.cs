using System.Text.Json;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Tests.Support;
using SmallChange.Testing;

namespace SmallChange.Tests.Executable;

/// <summary><c>smallchange kyc queue|show|decide</c>, run as the real executable on SQLite and on PostgreSQL.</summary>
public sealed class KycCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static async Task<(HolderId Holder, KycSubmissionId Submission)> Seed(string db)
    {
        await using var store = StoreFactory.Open(db, TimeProvider.System);
        await store.MigrateAsync();
        var holder = new Holder(HolderId.New(), ApiFixture.NewRef("cli"), new PersonName("Seo-yeon Park"), "KR", HolderStatus.Active, 0, DateTimeOffset.UtcNow);
        await store.WriteAsync(async tx => { await tx.InsertHolder(holder); return 0; });
        var input = new IdentityInput("Seo-yeon Park", "1988-02-29", "KR", new AddressInput("1 Gangnam-daero", null, "Seoul", null, "06000", "KR"),
            "national_id", "880229-1234567", null, "freelance design income");
        var r = await new KycService(store, new ManualReviewQueue(), TimeProvider.System).Submit(holder.Id, 2, input, "api-key:test", "cli-seed", [1, 2, 3]);
        return (holder.Id, r.Value.Submission.Id);
    }

    private static async Task QueueShowDecide(string db)
    {
        using var dir = new TempDir("kyccli");
        var (holder, id) = await Seed(db);

        var queue = await SmallChangeExe.Run(dir.Path, Timeout, "kyc", "queue", "--db", db);
        Assert.True(queue.ExitCode == 0, queue.ToString());
        Assert.Contains($"{id}  tier 2  holder {holder}", queue.Stdout, StringComparison.Ordinal);
        Assert.Contains("national_id ••••4567", queue.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("880229-1234567", queue.Stdout, StringComparison.Ordinal);

        var show = await SmallChangeExe.Run(dir.Path, Timeout, "kyc", "show", id.ToString(), "--db", db);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("880229-1234567", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("freelance design income", show.Stdout, StringComparison.Ordinal);

        var decide = await SmallChangeExe.Run(dir.Path, Timeout, "kyc", "decide", id.ToString(), "approve", "--reason", "ID card and income statements checked", "--officer", "j.lee", "--db", db);
        Assert.True(decide.ExitCode == 0, decide.ToString());
        Assert.Contains("approved by cli:j.lee; holder", decide.Stdout, StringComparison.Ordinal);
        Assert.Contains("tier 2", decide.Stdout, StringComparison.Ordinal);

        var again = await SmallChangeExe.Run(dir.Path, Timeout, "kyc", "decide", id.ToString(), "reject", "--reason", "no", "--db", db);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("kyc.already_decided", again.Stderr, StringComparison.Ordinal);

        var empty = await SmallChangeExe.Run(dir.Path, Timeout, "kyc", "queue", "--db", db, "--json");
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Equal(0, JsonDocument.Parse(empty.Stdout).RootElement.GetArrayLength());

        await using var store = StoreFactory.Open(db, TimeProvider.System);
        Assert.Equal(2, (await store.ReadAsync(r => r.GetHolder(holder)))!.KycTier);
        var history = await store.ReadAsync(r => r.ListKycEvents(holder, null));
        Assert.Equal(("cli:j.lee", "ID card and income statements checked"), (history[2].Actor, history[2].Reason));
    }

    [Fact]
    public async Task Kyc_QueueShowDecideOnSqlite_ApprovesAndRaisesTier()
    {
        using var dir = new TempDir("kyccli-db");
        await QueueShowDecide(dir.File("k.db"));
    }

    [Fact]
    public async Task Kyc_QueueShowDecideOnPostgres_ApprovesAndRaisesTier() => await QueueShowDecide(await TestPostgres.NewSchema("kyccli"));

    [Fact]
    public async Task KycDecide_BadDecisionWord_ExitsTwo()
    {
        using var dir = new TempDir("kyccli");

        var r = await SmallChangeExe.Run(dir.Path, Timeout, "kyc", "decide", Guid.NewGuid().ToString(), "maybe", "--reason", "x", "--db", dir.File("k.db"));

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("maybe", r.Stderr, StringComparison.Ordinal);
    }
}
