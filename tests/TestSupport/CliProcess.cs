using System.Diagnostics;
using Xunit;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>Runs the built <c>embeddinggemma</c> command as a real process.</summary>
public static class CliProcess
{
    private static readonly string s_cli = Path.Combine(AppContext.BaseDirectory, "embeddinggemma.dll");

    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin, Dictionary<string, string>? environment = null)
        => StartAsync("dotnet", [s_cli, .. args], stdin, environment);

    /// <summary>
    /// Runs a bash script in which <c>$CLI</c> is the command (killed after 100 s, so a hang fails the test) and <c>$M</c> the <paramref name="model"/> folder: for
    /// redirections a child process can't be given otherwise (closed streams, FIFOs, process substitution).
    /// </summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunShellAsync(string script, string model)
        => StartAsync("bash", ["-c", script], stdin: null, new() { ["CLI"] = $"timeout 100 dotnet {s_cli}", ["M"] = model });

    /// <summary>Asserts the CLI's failure form: exit code 1 and one stderr line, <c>embeddinggemma: error: ...</c>, containing <paramref name="expected"/>.</summary>
    public static void AssertOneLineError(int code, string stderr, string expected)
    {
        Assert.Equal(1, code);
        string line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("embeddinggemma: error: ", line);
        Assert.Contains(expected, line);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> StartAsync(
        string program, string[] args, string? stdin, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
