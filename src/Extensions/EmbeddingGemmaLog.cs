using Microsoft.Extensions.Logging;

namespace SkEmbeddingGemma;

/// <summary>The extensions' log messages.</summary>
internal static partial class EmbeddingGemmaLog
{
    [LoggerMessage(1, LogLevel.Information, "Loading EmbeddingGemma from {ModelDirectory}.")]
    public static partial void Loading(ILogger logger, string modelDirectory);

    [LoggerMessage(2, LogLevel.Information, "Loaded EmbeddingGemma {ModelId} ({Dimensions} dimensions) in {ElapsedMilliseconds:F0} ms.")]
    public static partial void Loaded(ILogger logger, string modelId, int dimensions, double elapsedMilliseconds);

    [LoggerMessage(4, LogLevel.Information, "Getting EmbeddingGemma {Repository}@{Revision} ({Variant}) from the Hugging Face Hub cache, downloading what is missing.")]
    public static partial void Downloading(ILogger logger, string repository, string revision, string variant);

    [LoggerMessage(3, LogLevel.Error, "Loading EmbeddingGemma failed: {Message}")]
    public static partial void LoadFailed(ILogger logger, string message, Exception? exception);
}
