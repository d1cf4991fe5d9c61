using Microsoft.Extensions.Logging;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>The server's structured log messages.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(101, LogLevel.Information, "Warmed up EmbeddingGemma on {Inputs} inputs of {Tokens} tokens in {ElapsedMilliseconds:F0} ms; ready.")]
    public static partial void WarmedUp(ILogger logger, int inputs, int tokens, double elapsedMilliseconds);

    [LoggerMessage(102, LogLevel.Error, "Warm-up failed; the server is live but not ready: {Message}")]
    public static partial void WarmupFailed(ILogger logger, string message);

    [LoggerMessage(103, LogLevel.Information, "{Route} answered {Status} in {ElapsedMilliseconds:F1} ms: {Inputs} inputs, {Tokens} tokens.")]
    public static partial void Answered(ILogger logger, string route, int status, double elapsedMilliseconds, int inputs, long tokens);

    [LoggerMessage(104, LogLevel.Warning, "{Route} refused with {Status}: {Message}")]
    public static partial void Refused(ILogger logger, string route, int status, string message);

    [LoggerMessage(105, LogLevel.Error, "{Route} failed with {Status}: {Message}")]
    public static partial void Failed(ILogger logger, string route, int status, string message, Exception exception);

    [LoggerMessage(106, LogLevel.Information, "{Route} truncated inputs {Indexes} to the model's {MaxTokens} tokens.")]
    public static partial void Truncated(ILogger logger, string route, string indexes, int maxTokens);

    [LoggerMessage(107, LogLevel.Information, "Shutting down: not ready any more; in-flight requests finish.")]
    public static partial void Stopping(ILogger logger);
}
