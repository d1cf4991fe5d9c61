using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.MicroBatching;

/// <summary>Adds micro-batching to any embedding generator.</summary>
public static class MicroBatchingExtensions
{
    /// <summary>Wraps a generator so concurrent small calls run as batches (see <see cref="MicroBatchingEmbeddingGenerator"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> AsMicroBatching(
        this IEmbeddingGenerator<string, Embedding<float>> generator, MicroBatchingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new MicroBatchingEmbeddingGenerator(generator, options);
    }
}
