using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.MicroBatching;

/// <summary>
/// The builder form of <see cref="MicroBatchingExtensions.AsMicroBatching"/>. It lives here rather than beside it because
/// <see cref="EmbeddingGeneratorBuilder{TInput, TEmbedding}"/> comes with Microsoft.Extensions.AI, which the generator
/// package does not depend on.
/// </summary>
public static class MicroBatchingBuilderExtensions
{
    /// <summary>Adds micro-batching to an embedding generator pipeline (see <see cref="MicroBatchingEmbeddingGenerator"/>).</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="options">The batching window and limits; <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseMicroBatching(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder, MicroBatchingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => inner.AsMicroBatching(options));
    }
}
