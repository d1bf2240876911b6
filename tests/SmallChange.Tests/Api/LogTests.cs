using System.Net;
using System.Text.Json;
using SmallChange.Core.Audit;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// The verifiable log over HTTP and the offline verifier: checkpoints, keys, proofs, credit receipts that the CLI
/// verifies with no database, and the tampering a receipt must not survive.
/// </summary>
public abstract class LogTests(string backend) : IAsyncLifetime
{
    private ApiFixture _api = null!;
    private readonly TempDir _dir = new("log");

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(backend: backend);

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(TestSource Source, Guid Holder)> Credited(int count)
    {
        var source = await _api.CreateSource("USD");
        var holder = await _api.CreateHolder();
        for (var i = 0; i < count; i++)
        {
            using var r = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = $"c-{i}", holder_id = holder, amount = "0.003", currency = "USD" }));
            await Json.Expect(r, HttpStatusCode.Created);
        }

        return (source, holder);
    }

    private async Task<string> PublicKeyFile()
    {
        using var r = await _api.Anonymous.GetAsync("/v1/log/keys");
        var key = Assert.Single((await Json.Expect(r, HttpStatusCode.OK)).EnumerateArray());
        var path = _dir.File($"{key.GetProperty("key_id").GetString()}.pem");
        await File.WriteAllTextAsync(path, key.GetProperty("public_pem").GetString());
        return path;
    }

    private Task<CliResult> Cli(params string[] args) =>
        // No --db: the offline verbs must not need (or create) a database; the working folder stays empty otherwise.
        SmallChangeExe.Run(_dir.Path, TimeSpan.FromSeconds(60), args);

    [Fact]
    public async Task Checkpoint_Anonymous_SignedOverTheCurrentTreeByAPublishedKey()
    {
        await Credited(3);

        using var r = await _api.Anonymous.GetAsync("/v1/log/checkpoint");
        var c = await Json.Expect(r, HttpStatusCode.OK);
        var checkpoint = JsonSerializer.Deserialize<ReceiptCheckpoint>(c.GetRawText(), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!.ToCheckpoint().Value;
        var keys = new CheckpointVerifier();
        keys.Trust(await File.ReadAllTextAsync(await PublicKeyFile()));

        Assert.Null(keys.Check(checkpoint));
        var head = await _api.Store.ReadAsync(s => s.LastLogBatch());
        Assert.Equal(head!.TreeSize, checkpoint.TreeSize);
        Assert.Equal(head.Root, checkpoint.Root);
    }

    [Fact]
    public async Task CreditReceipt_Downloaded_VerifiesOfflineAndAnyChangeIsRejected()
    {
        var (source, _) = await Credited(5);
        using var r = await source.Client.GetAsync($"/v1/sources/{source.Id}/credit/receipt?source_ref=c-3");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = await r.Content.ReadAsStringAsync();
        var receiptFile = _dir.File("receipt.json");
        await File.WriteAllTextAsync(receiptFile, json);
        var key = await PublicKeyFile();

        var ok = await Cli("verify", "receipt", receiptFile, "--key", key);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("verify receipt: ok", ok.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("smallchange.db")), "verify receipt created a database");

        // One changed byte of the transfer: the leaf no longer matches.
        await File.WriteAllTextAsync(receiptFile, json.Replace("\"amount\": 3000", "\"amount\": 3001", StringComparison.Ordinal));
        var edited = await Cli("verify", "receipt", receiptFile, "--key", key);
        Assert.True(edited.ExitCode == 1, edited.ToString());
        Assert.Contains("receipt.leaf_mismatch", edited.Stderr, StringComparison.Ordinal);

        // The same proof claimed for another leaf.
        var doc = JsonDocument.Parse(json).RootElement;
        var index = doc.GetProperty("leaf_index").GetInt64();
        await File.WriteAllTextAsync(receiptFile, json.Replace($"\"leaf_index\": {index}", $"\"leaf_index\": {index - 1}", StringComparison.Ordinal));
        var moved = await Cli("verify", "receipt", receiptFile, "--key", key);
        Assert.True(moved.ExitCode == 1, moved.ToString());
        Assert.Contains("receipt.inclusion_invalid", moved.Stderr, StringComparison.Ordinal);

        // A checkpoint signed by a key the holder does not trust.
        await File.WriteAllTextAsync(receiptFile, json);
        using var stranger = CheckpointKey.Generate();
        var strangerFile = _dir.File("stranger.pem");
        await File.WriteAllTextAsync(strangerFile, stranger.PublicPem());
        var unknown = await Cli("verify", "receipt", receiptFile, "--key", strangerFile);
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("receipt.unknown_key", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreditReceipt_OtherSourcesCredit_NotFound()
    {
        var (source, _) = await Credited(1);
        var other = await _api.CreateSource("USD");

        using var r = await other.Client.GetAsync($"/v1/sources/{source.Id}/credit/receipt?source_ref=c-0");

        await Json.Expect(r, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ConsistencyProof_TwoCheckpoints_CliProvesTheLogOnlyGrew()
    {
        await Credited(2);
        using var first = await _api.Operator.PostAsync("/v1/log/checkpoint", null);
        var old = await Json.Expect(first, HttpStatusCode.Created);
        await Credited(3);
        using var second = await _api.Operator.PostAsync("/v1/log/checkpoint", null);
        var now = await Json.Expect(second, HttpStatusCode.Created);
        var (m, n) = (old.GetProperty("tree_size").GetInt64(), now.GetProperty("tree_size").GetInt64());
        Assert.True(n > m);
        using var p = await _api.Operator.GetAsync($"/v1/log/proof/consistency?first={m}&second={n}");
        var proof = await Json.Expect(p, HttpStatusCode.OK);
        await File.WriteAllTextAsync(_dir.File("old.json"), old.GetRawText());
        await File.WriteAllTextAsync(_dir.File("new.json"), now.GetRawText());
        await File.WriteAllTextAsync(_dir.File("proof.json"), proof.GetRawText());
        var key = await PublicKeyFile();

        var ok = await Cli("verify", "consistency", _dir.File("old.json"), _dir.File("new.json"), "--proof", _dir.File("proof.json"), "--key", key);
        var swapped = await Cli("verify", "consistency", _dir.File("new.json"), _dir.File("old.json"), "--proof", _dir.File("proof.json"), "--key", key);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.True(swapped.ExitCode == 1, swapped.ToString());
    }

    [Fact]
    public async Task InclusionProof_BadParametersOrNoKey_ProblemsNotProofs()
    {
        await Credited(2);

        using var noKey = await _api.Anonymous.GetAsync("/v1/log/proof/inclusion?leaf_index=0");
        using var beyond = await _api.Operator.GetAsync("/v1/log/proof/inclusion?leaf_index=99");
        using var tooBig = await _api.Operator.GetAsync("/v1/log/proof/inclusion?leaf_index=0&tree_size=99999");
        using var good = await _api.Operator.GetAsync("/v1/log/proof/inclusion?leaf_index=1");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("log.leaf_index_invalid", (await Json.Expect(beyond, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Equal("log.tree_size_invalid", (await Json.Expect(tooBig, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Equal(1, (await Json.Expect(good, HttpStatusCode.OK)).GetProperty("leaf_index").GetInt64());
    }
}

public sealed class SqliteLogTests() : LogTests("sqlite");

public sealed class PostgresLogTests() : LogTests("postgres");
