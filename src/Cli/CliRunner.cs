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
            await Console.Error.WriteLineAsync($"embeddinggemma: error: {Describe(ex).ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>
    /// The message of a user error as a user reads it: an <see cref="ArgumentException"/>'s message ends with the C# parameter
    /// name (" (Parameter 'options')") and, out of range, the actual value; both are for programmers, and our messages
    /// already name the option and the value.
    /// </summary>
    internal static string Describe(Exception ex)
    {
        if (ex is ArgumentException { ParamName: { } name } argument)
        {
            string suffix = $" (Parameter '{name}')";
            int at = argument.Message.IndexOf(suffix, StringComparison.Ordinal);
            return at < 0 ? argument.Message : argument.Message[..at];
        }

        return ex.Message;
    }
}
