namespace SkEmbeddingGemma.Hub;

/// <summary>The limits every response obeys, read once from <see cref="HubDownloadOptions"/>.</summary>
/// <param name="ReadTimeout">The longest wait for response headers or for the next bytes of a body.</param>
/// <param name="MinimumBytesPerSecond">The slowest average a body may arrive at over <paramref name="MinimumSpeedWindow"/>; 0 for no floor.</param>
/// <param name="MinimumSpeedWindow">How long a body is measured before its speed is judged, and again after each judgement.</param>
/// <param name="MaxMetadataBytes">The most bytes of the file list, and of each configuration or tokenizer file.</param>
internal sealed record TransferLimits(TimeSpan ReadTimeout, long MinimumBytesPerSecond, TimeSpan MinimumSpeedWindow, long MaxMetadataBytes)
{
    /// <summary>The limits of a download's options.</summary>
    public static TransferLimits From(HubDownloadOptions options) =>
        new(options.ReadTimeout, options.MinimumBytesPerSecond, options.MinimumSpeedWindow, options.MaxMetadataBytes);
}
