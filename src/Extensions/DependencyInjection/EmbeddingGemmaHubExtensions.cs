using SkEmbeddingGemma.Hub;

namespace SkEmbeddingGemma;

/// <summary>Gets the model from the Hugging Face Hub (or its cache) when the app starts using it.</summary>
public static class EmbeddingGemmaHubExtensions
{
    /// <summary>
    /// Sets <see cref="EmbeddingGemmaServiceOptions.ModelLocator"/> to download the model into the huggingface_hub cache on
    /// first use, even when a <see cref="EmbeddingGemmaServiceOptions.ModelPath"/> is set. Without a
    /// <paramref name="hubOptions"/>, this is the download the options already make when no model folder is given
    /// (<see cref="EmbeddingGemmaServiceOptions.HubRepository"/>, <see cref="EmbeddingGemmaServiceOptions.HubRevision"/>,
    /// the variant, ...); pass one for full control, such as an own <see cref="HttpClient"/> or a token in code.
    /// </summary>
    /// <param name="options">The service options.</param>
    /// <param name="hubOptions">Repository, revision, cache and endpoint; null for the options' Hub settings.</param>
    /// <returns>The same options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static EmbeddingGemmaServiceOptions UseHuggingFaceHub(this EmbeddingGemmaServiceOptions options, HubDownloadOptions? hubOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ModelLocator = (_, cancellationToken) =>
            HuggingFaceHub.DownloadModelAsync(hubOptions ?? options.ToHubDownloadOptions(), options.HubProgress, cancellationToken);
        return options;
    }
}
