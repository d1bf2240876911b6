using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SmallChange.Tests.Portal;
using SmallChange.Tests.Support;
using SmallChange.Core.Cashouts;

namespace SmallChange.Tests.Security;

/// <summary>Every log line of a host, at every level, with its structured values and exceptions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {Values(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}[{eventId}]: {formatter(state, exception)} {Values(state)} {exception}");

        private static string Values(object? state) => state is IEnumerable<KeyValuePair<string, object?>> kv
            ? string.Join("; ", kv.Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}"))
            : Convert.ToString(state, CultureInfo.InvariantCulture) ?? "";
    }
}

/// <summary>The host (API and portal) with every log written to a <see cref="CapturingLoggerProvider"/> at Trace level.</summary>
public sealed class LoggedPortalFixture(string backend)
    : PortalFixture(Path.Combine(Path.GetTempPath(), "smallchange-tests", $"mail-{Guid.NewGuid():N}"), null, backend)
{
    public CapturingLoggerProvider Sink { get; } = new();

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(Sink);
        // Provider-specific rules win over the host's category rules: this sink sees everything.
        builder.Logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
    }
}

/// <summary>
/// Issue 4, point 6 (docs/privacy.md): a full run — portal sign-up, a holder created over the API, a destination, a KYC
/// submission and its approval, a credit, a cash-out paid by the sandbox, the compliance listings — with planted personal
/// data, then a scan of every log line (Trace and up, structured values included) and of the database at rest (every
/// row of every table, and for SQLite the raw database and WAL files) for each planted value. Logs contain none; the
/// database holds them only sealed.
/// </summary>
public abstract class PiiLeakTests(string backend) : IAsyncLifetime
{
    private LoggedPortalFixture _f = null!;

    public async Task InitializeAsync()
    {
        _f = new LoggedPortalFixture(backend);
        await ((IAsyncLifetime)_f).InitializeAsync();
    }

    public async Task DisposeAsync() => await ((IAsyncLifetime)_f).DisposeAsync();

    [Fact]
    public async Task FullRun_PlantedPersonalData_NotInLogsAndNotInClearAtRest()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var digits = string.Concat(tag.Select(c => (char)('0' + (c % 10))));
        var portalName = $"Quilliam Zorbadottir {tag}";
        var email = $"zorba{tag}@example.org";
        var holderName = $"Perpetua Vandersnoot {tag}";
        var accountNumber = "7" + digits + "31";
        var accountName = $"Perpetua V Vandersnoot {tag}";
        var addressLine = $"{digits[..4]} Xylophage Crescent {tag}";
        var documentNumber = "ZQ" + digits;
        const string birthDate = "1934-07-19";
        var planted = new[] { portalName, email, holderName, accountNumber, accountName, addressLine, documentNumber, birthDate, $"Zorbadottir {tag}", $"Vandersnoot {tag}" };

        // Sign up in the portal (a holder and a portal account).
        var browser = _f.Browser();
        using (var r = await browser.Submit("/sign-up", new()
               {
                   ["Input.Email"] = email, ["Input.Name"] = portalName, ["Input.Country"] = "US",
                   ["Input.Password"] = PortalBrowser.GoodPassword, ["Input.ConfirmPassword"] = PortalBrowser.GoodPassword,
               }))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        Assert.Contains(portalName, await browser.Page("/"), StringComparison.Ordinal);

        // A holder over the API, a destination, KYC submitted and approved.
        var holder = await _f.CreateHolder(name: holderName);
        Guid destination;
        using (var d = await _f.Operator.PostAsync($"/v1/holders/{holder}/destinations", Json.Body(new
               {
                   kind = "bank_account", country = "US", account_holder_name = accountName, routing_number = "021000021", account_number = accountNumber,
               })))
        {
            destination = (await Json.Expect(d, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        }

        Guid submission;
        using (var s = await Api.KycApiTests.Submit(_f.Operator, holder, new
               {
                   target_tier = 1, legal_name = holderName, date_of_birth = birthDate, nationality = "US",
                   address = new { line1 = addressLine, city = "Springfield", region = "IL", postal_code = "62704", country = "US" },
                   document_type = "passport", document_number = documentNumber,
               }, "kyc-" + tag))
        {
            var body = await Json.Expect(s, HttpStatusCode.Created);
            submission = body.GetProperty("id").GetGuid();
            Assert.Equal(holderName, body.GetProperty("identity").GetProperty("legal_name").GetString());
        }

        using (var decision = await _f.Operator.PostAsync($"/v1/compliance/kyc/{submission}/decision", Json.Body(new { decision = "approve", reason = "documents match" })))
        {
            await Json.Expect(decision, HttpStatusCode.OK);
        }

        // Money in and a cash-out to the destination, paid.
        var source = await _f.CreateSource("USD");
        using (var c = await source.Client.PostAsync("/v1/credits", Json.Body(new { source_ref = ApiFixture.NewRef("pii"), holder_id = holder, amount = "50.00", currency = "USD" })))
        {
            await Json.Expect(c, HttpStatusCode.Created);
        }

        Guid quote;
        using (var q = await _f.Operator.PostAsync("/v1/quotes", Json.Body(new { holder_id = holder, amount = "20.00", currency = "USD", country = "US", method = "bank_transfer" })))
        {
            quote = (await Json.Expect(q, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cashouts") { Content = Json.Body(new { holder_id = holder, quote_id = quote, destination_id = destination }) };
        request.Headers.Add("Idempotency-Key", "pii-" + tag);
        using (var co = await _f.Operator.SendAsync(request))
        {
            Assert.True(co.IsSuccessStatusCode, await co.Content.ReadAsStringAsync());
        }

        var processor = _f.App.Services.GetRequiredService<CashoutProcessor>();
        await processor.DispatchDue(1_000, CancellationToken.None);
        await Task.Delay(_f.App.Services.GetRequiredService<Adapters.Rails.Sandbox.SandboxOptions>().SettleDelay + TimeSpan.FromMilliseconds(200));
        await processor.Settle(1_000, CancellationToken.None);

        // What staff and the operator read: every answer still carries the data in clear (decrypted on read).
        foreach (var path in (string[])[$"/v1/holders/{holder}", $"/v1/holders/{holder}/destinations", "/v1/compliance/kyc/queue", $"/v1/compliance/kyc/{submission}",
                     "/v1/compliance/cases", "/v1/compliance/alerts", $"/v1/cashouts?holder_id={holder}", $"/v1/holders/{holder}/kyc"])
        {
            using var r = await _f.Operator.GetAsync(path);
            Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode}");
        }

        using (var h = await _f.Operator.GetAsync($"/v1/holders/{holder}"))
        {
            Assert.Equal(holderName, (await Json.Expect(h, HttpStatusCode.OK)).GetProperty("name").GetString());
        }

        using (var k = await _f.Operator.GetAsync($"/v1/compliance/kyc/{submission}"))
        {
            Assert.Contains(addressLine, await k.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The logs: not one planted value, at any level.
        var logs = _f.Sink.Lines.ToArray();
        Assert.True(logs.Length > 50, $"only {logs.Length} log lines captured: is the sink wired?");
        Assert.Contains(logs, l => l.Contains("/v1/cashouts", StringComparison.Ordinal));
        foreach (var value in planted)
        {
            var hit = logs.FirstOrDefault(l => l.Contains(value, StringComparison.OrdinalIgnoreCase));
            Assert.True(hit is null, $"planted value {value} is in a log line: {hit}");
        }

        // The database at rest: no planted value in clear in any row of any table, nor in the raw files.
        var atRest = await DatabaseText();
        Assert.Contains(atRest, t => t.Contains("pii1.", StringComparison.Ordinal));
        foreach (var value in planted)
        {
            var hit = atRest.FirstOrDefault(t => t.Contains(value, StringComparison.OrdinalIgnoreCase));
            Assert.True(hit is null, $"planted value {value} is stored in clear: {hit?[..Math.Min(hit.Length, 300)]}");
        }
    }

    /// <summary>Every row of every table as text (and for SQLite the raw database and WAL files).</summary>
    private async Task<List<string>> DatabaseText()
    {
        var texts = new List<string>();
        if (_f.Backend == "postgres")
        {
            await using var conn = new NpgsqlConnection(_f.Db);
            await conn.OpenAsync();
            var tables = new List<string>();
            await using (var cmd = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    tables.Add(r.GetString(0));
                }
            }

            Assert.Contains("holders", tables);
            foreach (var table in tables)
            {
                // bytea columns (report files) as text too: convert_from on the whole row's text would not decode them.
                await using var cmd = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", conn);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    texts.Add($"{table}: {Unescape(r.GetString(0))}");
                }
            }
        }
        else
        {
            await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_f.Db};Pooling=False;Mode=ReadOnly");
            await conn.OpenAsync();
            var tables = new List<string>();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    tables.Add(r.GetString(0));
                }
            }

            Assert.Contains("holders", tables);
            foreach (var table in tables)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT * FROM \"{table}\"";
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    var row = new StringBuilder(table).Append(':');
                    for (var i = 0; i < r.FieldCount; i++)
                    {
                        row.Append(' ').Append(r.IsDBNull(i) ? "" : r.GetValue(i) is byte[] b ? Encoding.UTF8.GetString(b) : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture));
                    }

                    texts.Add(row.ToString());
                }
            }

            foreach (var file in (string[])[_f.Db, _f.Db + "-wal"])
            {
                if (File.Exists(file))
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var ms = new MemoryStream();
                    await stream.CopyToAsync(ms);
                    texts.Add(Path.GetFileName(file) + ": " + Encoding.UTF8.GetString(ms.ToArray()));
                }
            }
        }

        return texts;
    }

    /// <summary>A row's text form with bytea columns (<c>\x…</c>) decoded as UTF-8, so a document stored as bytes is scanned too.</summary>
    private static string Unescape(string rowText) =>
        System.Text.RegularExpressions.Regex.Replace(rowText, @"\\\\x([0-9a-f]+)", m => Encoding.UTF8.GetString(Convert.FromHexString(m.Groups[1].Value)));
}

public sealed class SqlitePiiLeakTests() : PiiLeakTests("sqlite");

public sealed class PostgresPiiLeakTests() : PiiLeakTests("postgres");
