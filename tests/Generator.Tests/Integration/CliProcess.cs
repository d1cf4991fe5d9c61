using System.Diagnostics;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>Runs the built <c>embeddinggemma</c> command as a real process.</summary>
internal static class CliProcess
{
    private static readonly string s_cli = Path.Combine(AppContext.BaseDirectory, "embeddinggemma.dll");

    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(s_cli);
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
