using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>Runs an embedding server app the way a command-line host does: a failed start is a few lines, not a stack trace.</summary>
public static class EmbeddingGemmaServerHost
{
    /// <summary>
    /// The logging category of the host's own start failure report, which repeats the error with its stack trace: filter
    /// it out (<c>builder.Logging.AddFilter(HostLogCategory, LogLevel.None)</c>) when <see cref="RunAsync"/> reports it.
    /// </summary>
    public const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// Starts <paramref name="app"/> and serves until shutdown (Ctrl+C, SIGTERM), which stops taking connections and
    /// lets in-flight requests finish. A start that fails (a bad setting, a port in use, a model that does not load
    /// with <c>EagerLoad</c>) writes one line per problem, <paramref name="prefix"/> then the problem, and returns 1.
    /// </summary>
    /// <param name="app">The built app, with <c>MapEmbeddingGemma()</c> mapped.</param>
    /// <param name="error">Where a failed start is reported, usually stderr.</param>
    /// <param name="prefix">The start of each problem line, such as <c>embeddinggemma: error: </c>.</param>
    /// <returns>0 after a clean shutdown, 1 when the server could not start.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/>, <paramref name="error"/> or <paramref name="prefix"/> is null.</exception>
    public static async Task<int> RunAsync(WebApplication app, TextWriter error, string prefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(prefix);
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (string problem in Problems(ex))
                {
                    await error.WriteLineAsync(prefix + problem).ConfigureAwait(false);
                }

                return 1;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Each problem of a failed start on its own line: every options failure, else the error's one-line text.</summary>
    internal static IEnumerable<string> Problems(Exception exception) => exception switch
    {
        OptionsValidationException options => options.Failures.Select(f => EmbeddingGemmaErrorText.Describe(new InvalidOperationException(f))),
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.SelectMany(Problems).Distinct(StringComparer.Ordinal),
        _ => [EmbeddingGemmaErrorText.Describe(exception)],
    };
}
