using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.Cli;

/// <summary>Runs a command's action and turns user errors into one line on stderr and exit code 1.</summary>
internal static class CliRunner
{
    /// <summary>Runs <paramref name="action"/>; cancellation exits 130, user errors 1, anything else propagates (a bug).</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("embeddinggemma: cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or NotSupportedException
            or UnauthorizedAccessException or InvalidOperationException or VectorStoreException)
        {
            // One line, as scripts expect; the message names the problem.
            await Console.Error.WriteLineAsync($"embeddinggemma: error: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
