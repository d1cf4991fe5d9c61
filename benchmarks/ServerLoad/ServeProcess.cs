using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SkEmbeddingGemma.Benchmarks.ServerLoad;

/// <summary>
/// <c>dotnet embeddinggemma.dll serve</c> as a child process on a free loopback port, as a user or a container starts
/// it; its address comes from its "Now listening on" line. Its output is drained (the server logs one line per request)
/// and only the last lines are kept, for the error message of a start that fails.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private static readonly string s_cli = Path.GetFullPath(typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Cli").Value!);
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>Resident set size of the server process now, from /proc (bytes).</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>Starts the server on <paramref name="model"/> and waits until <c>/health/ready</c> answers 200 (model loaded and warmed up).</summary>
    public static async Task<ServeProcess> StartAsync(string model, int? threads, IReadOnlyList<string> serverArgs, string? cli, HttpClient http)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // The server stops when this pipe closes: when this process ends in any way, even killed mid-run.
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in (string[])[cli ?? s_cli, "serve", "--model-id", model, "--hostname", "127.0.0.1", "--port", "0", "--exit-on-stdin-close", .. serverArgs])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("EmbeddingGemma", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        if (threads is int count)
        {
            start.Environment["EmbeddingGemma__IntraOpNumThreads"] = count.ToString(CultureInfo.InvariantCulture);
        }

        var server = new ServeProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, e) => server.Line(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Line(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        Task finished = await Task.WhenAny(server._listening.Task, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(5)));
        if (finished != server._listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"embeddinggemma serve did not start listening:{Environment.NewLine}{server.Tail()}");
        }

        server.BaseAddress = await server._listening.Task;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using HttpResponseMessage ready = await http.GetAsync(new Uri(server.BaseAddress, "/health/ready"));
            if (ready.IsSuccessStatusCode)
            {
                return server;
            }

            if (server._process.HasExited || deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"embeddinggemma serve did not become ready:{Environment.NewLine}{server.Tail()}");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }

        Match listening = ListeningLine().Match(line);
        if (listening.Success)
        {
            _listening.TrySetResult(new Uri(listening.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
