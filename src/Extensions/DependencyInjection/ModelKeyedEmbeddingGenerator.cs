using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>
/// The outermost layer of a dependency-injected EmbeddingGemma pipeline: it names the loaded model's content identity
/// (<see cref="EmbeddingGeneratorMetadata.DefaultModelId"/>, <c>{model_type}@sha256:...</c>) in
/// <see cref="EmbeddingGenerationOptions.ModelId"/> of every call that names none. Caching middleware added after
/// <c>AddEmbeddingGemma</c> (<c>UseDistributedCache</c>) keys on the options, so two models sharing one cache, such as
/// EmbeddingGemma and EmbeddingGemma 2, never serve each other's vectors, and a changed model folder misses the old entries.
/// </summary>
/// <remarks>
/// The identity is the loaded model's, so a call loads the model even when the cache would answer it. The generator
/// ignores <see cref="EmbeddingGenerationOptions.ModelId"/>; the caller's options object is never changed. Thread-safe.
/// </remarks>
internal sealed class ModelKeyedEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGemmaModel _model;

    public ModelKeyedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, EmbeddingGemmaModel model)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.ModelId is null)
        {
            EmbeddingGemmaGenerator generator = await _model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            EmbeddingGenerationOptions keyed = options?.Clone() ?? new EmbeddingGenerationOptions();
            keyed.ModelId = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
            options = keyed;
        }

        return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
    }
}
