using SkEmbeddingGemma.Hub;

namespace SkEmbeddingGemma;

/// <summary>Gets the model from the Hugging Face Hub (or its cache) when the app starts using it.</summary>
public static class EmbeddingGemmaHubExtensions
{
    /// <summary>
    /// Sets <see cref="EmbeddingGemmaServiceOptions.ModelLocator"/> to download the model (by default
    /// <c>onnx-community/embeddinggemma-300m-ONNX</c>, the options' variant) into the huggingface_hub cache on first use,
    /// honouring <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HOME</c> and <c>HF_HUB_OFFLINE</c>.
    /// </summary>
    /// <param name="options">The service options.</param>
    /// <param name="hubOptions">Repository, revision, cache and endpoint; null for the defaults.</param>
    /// <returns>The same options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static EmbeddingGemmaServiceOptions UseHuggingFaceHub(this EmbeddingGemmaServiceOptions options, HubDownloadOptions? hubOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ModelLocator = (_, cancellationToken) =>
        {
            HubDownloadOptions download = hubOptions ?? new HubDownloadOptions();
            if (hubOptions is null && options.Variant is { Length: > 0 } variant)
            {
                download.Variant = variant;
            }

            return HuggingFaceHub.DownloadModelAsync(download, progress: null, cancellationToken);
        };
        return options;
    }
}
