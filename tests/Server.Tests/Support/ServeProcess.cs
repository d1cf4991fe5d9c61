using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>
/// <c>embeddinggemma serve</c> as a child process on a free loopback port (<c>--port 0</c>), as a user or a container
/// starts it: its address is read from its "Now listening on" line. Dispose kills it if still running.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private static readonly string s_cli = Path.GetFullPath(typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Cli").Value!);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process)
    {
        _process = process;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public Task<int> ExitCode => _process.WaitForExitAsync().ContinueWith(_ => _process.ExitCode, TaskScheduler.Default);

    /// <summary>The start information of <c>dotnet embeddinggemma.dll serve ARGS</c> in <paramref name="workingDirectory"/>, with no inherited server settings.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (string arg in (string[])[s_cli, "serve", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("EmbeddingGemma", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>Starts the server and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        ProcessStartInfo start = StartInfo([.. args, "--port", "0"], workingDirectory, environment);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var server = new ServeProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, e) => server.Line(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Line(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        Task exited = server._process.WaitForExitAsync();
        Task finished = await Task.WhenAny(server._listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(2)));
        if (finished != server._listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"embeddinggemma serve did not start listening: {server.Output}");
        }

        server.BaseAddress = await server._listening.Task;
        return server;
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops a service: a graceful shutdown.</summary>
    public void Terminate()
    {
        using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Closes the server's standard input, as a parent that dies does.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>SIGKILL: the replica dies at once, mid-request.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
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
