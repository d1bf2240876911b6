using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SmallChange.Tests.Support;

/// <summary>
/// Runs the real <c>smallchange</c> executable as a child process: <c>dotnet smallchange.dll …</c>. The test project
/// references the SmallChange project, so <c>smallchange.dll</c> (with its runtimeconfig and deps) is in the test output.
/// </summary>
public static class SmallChangeExe
{
    public static string Dll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "smallchange.dll");
            Assert.True(File.Exists(path), $"smallchange.dll is not next to the test assembly ({path})");
            return path;
        }
    }

    /// <summary>The dotnet host that runs the tests (set by the SDK), else <c>dotnet</c> from PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // The child must not pick up settings meant for the test host.
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return psi;
    }

    /// <summary>Runs one CLI verb to completion (killed after <paramref name="timeout"/>).</summary>
    public static Task<CliResult> Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunWith(new Dictionary<string, string>(), workingDirectory, timeout, args);

    /// <summary>As <see cref="Run"/>, with extra environment variables for the child.</summary>
    public static async Task<CliResult> RunWith(IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = StartInfo(workingDirectory, args);
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"smallchange {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s");
        }

        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>A TCP port that was free a moment ago (the caller retries if someone takes it first).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// <c>smallchange serve</c> in a child process on a free loopback port. <see cref="StartAsync"/> returns once
/// /health answers 200; disposing kills the process (and its tree) if it is still running.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the server wrote (stdout and stderr), for assertion messages.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<ServerProcess> StartAsync(string db, string workingDirectory, TimeSpan timeout, params string[] extraArgs)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = SmallChangeExe.FreePort();
            var psi = SmallChangeExe.StartInfo(workingDirectory, ["serve", "--db", db, "--urls", $"http://127.0.0.1:{port}", .. extraArgs]);
            var server = new ServerProcess(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}"));
            server.Capture();
            if (await server.WaitHealthy(timeout))
            {
                return server;
            }

            failures.Add($"attempt {attempt + 1} on port {port}: {server.Output}");
            await server.DisposeAsync();
        }

        Assert.Fail("smallchange serve did not become healthy:\n" + string.Join("\n---\n", failures));
        return null!;
    }

    public HttpClient Client(string? apiKey, TimeSpan? timeout = null)
    {
        var c = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            c.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        }

        return c;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; whatever was not durable is lost.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private void Capture()
    {
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            while (_output.Count > 200 && _output.TryDequeue(out _))
            {
            }
        }

        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
    }

    private async Task<bool> WaitHealthy(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                using var r = await http.GetAsync("/health");
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        return false;
    }
}
