using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Hub;

namespace SkEmbeddingGemma;

/// <summary>
/// The generator DI hands out: it loads its <see cref="EmbeddingGemmaModel"/> on the first call and then forwards to it.
/// Asking it for <see cref="EmbeddingGeneratorMetadata"/> loads the model too: the metadata's
/// <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/> is the loaded model's content identity (see
/// <see cref="EmbeddingGemmaGenerator.GetService"/>), which a vector store records to refuse another model later, so it
/// can't be answered from the settings.
/// </summary>
/// <remarks>Thread-safe. Disposing it does nothing: the container owns the model.</remarks>
internal sealed class LazyEmbeddingGemmaGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGemmaModel _model;

    public LazyEmbeddingGemmaGenerator(EmbeddingGemmaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingGemmaGenerator generator = await _model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
        return await generator.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    /// <exception cref="HubDownloadException">The metadata was asked for, and the model could not be downloaded.</exception>
    /// <exception cref="InvalidOperationException">The metadata was asked for, and the model's files changed since its load.</exception>
    /// <exception cref="IOException">The metadata was asked for, and the model could not be loaded or read.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGemmaModel))
        {
            return _model;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            // GetService is synchronous; the load runs on the thread pool (ConfigureAwait(false) throughout), so
            // blocking here can't deadlock on a synchronization context.
            return _model.GetGeneratorAsync().AsTask().GetAwaiter().GetResult().GetService(serviceType);
        }

        if (_model.Generator is { } generator && generator.GetService(serviceType) is { } answer)
        {
            return answer;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The model belongs to the container (or to whoever created it).
    }
}
