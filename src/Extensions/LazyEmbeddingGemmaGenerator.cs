using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>
/// The generator DI hands out: it loads its <see cref="EmbeddingGemmaModel"/> on the first call and then forwards to it.
/// Before the load, <see cref="GetService"/> answers metadata from the settings without loading anything.
/// </summary>
/// <remarks>Thread-safe. Disposing it does nothing: the container owns the model.</remarks>
internal sealed class LazyEmbeddingGemmaGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGemmaModel _model;
    private readonly EmbeddingGeneratorMetadata _preloadMetadata;

    public LazyEmbeddingGemmaGenerator(EmbeddingGemmaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        EmbeddingGemmaServiceOptions options = model.Options;
        string? path = string.IsNullOrWhiteSpace(options.ModelPath) ? null : Path.GetFullPath(options.ModelPath);
        string? modelId = options.ModelId
            ?? (path is not null ? Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) : options.UsesHub ? options.EffectiveHubRepository : null);
        _preloadMetadata = new EmbeddingGeneratorMetadata(
            EmbeddingGemmaGenerator.ProviderName, path is null ? null : new Uri(path), modelId, options.Dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingGemmaGenerator generator = await _model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
        return await generator.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
    }

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

        if (_model.Generator is { } generator && generator.GetService(serviceType) is { } answer)
        {
            return answer;
        }

        return
            serviceType == typeof(EmbeddingGeneratorMetadata) ? _preloadMetadata :
            serviceType.IsInstanceOfType(this) ? this :
            null;
    }

    public void Dispose()
    {
        // The model belongs to the container (or to whoever created it).
    }
}
