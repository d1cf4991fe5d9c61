using System.Diagnostics;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// Runs a program the way a user starts it (a sample, the server) and collects what it printed: its standard input is
/// closed, both outputs are read to the end, and a run past its limit is killed with its process tree and fails the test.
/// </summary>
public static class ChildProcess
{
    /// <summary>Starts <paramref name="start"/> (its redirections are set here) and waits for it to exit.</summary>
    /// <param name="start">The program, its arguments, environment and working folder.</param>
    /// <param name="limit">How long it may run.</param>
    /// <param name="overrun">What a run past the limit means, for the failure message.</param>
    /// <returns>The exit code and everything written to standard output and standard error.</returns>
    /// <exception cref="TimeoutException">It ran past <paramref name="limit"/>; the message holds <paramref name="overrun"/> and its output.</exception>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(ProcessStartInfo start, TimeSpan limit, string overrun)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(overrun);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{overrun} Output: {await output.ConfigureAwait(false)} Errors: {await errors.ConfigureAwait(false)}");
        }

        return (process.ExitCode, await output.ConfigureAwait(false), await errors.ConfigureAwait(false));
    }
}
