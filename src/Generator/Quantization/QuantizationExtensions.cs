using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Quantization;

/// <summary>
/// Quantized views of any float embedding generator. These are <c>As…</c> conversions rather than <c>Use…</c> builder
/// steps because they change the embedding type, which an <c>EmbeddingGeneratorBuilder</c>
/// pipeline cannot: build the float pipeline (caching, logging, micro-batching) first, then convert it.
/// </summary>
public static class QuantizationExtensions
{
    /// <summary>Wraps the generator in an <see cref="Int8EmbeddingGenerator"/>.</summary>
    /// <param name="generator">The float generator.</param>
    /// <param name="ranges">Calibration ranges at the width the generator returns.</param>
    /// <returns>The int8 generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="ranges"/> is null.</exception>
    public static IEmbeddingGenerator<string, Embedding<sbyte>> AsInt8EmbeddingGenerator(
        this IEmbeddingGenerator<string, Embedding<float>> generator, QuantizationRanges ranges)
        => new Int8EmbeddingGenerator(generator, ranges);

    /// <summary>Wraps the generator in a <see cref="UInt8EmbeddingGenerator"/>.</summary>
    /// <param name="generator">The float generator.</param>
    /// <param name="ranges">Calibration ranges at the width the generator returns.</param>
    /// <returns>The uint8 generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="ranges"/> is null.</exception>
    public static IEmbeddingGenerator<string, Embedding<byte>> AsUInt8EmbeddingGenerator(
        this IEmbeddingGenerator<string, Embedding<float>> generator, QuantizationRanges ranges)
        => new UInt8EmbeddingGenerator(generator, ranges);

    /// <summary>Wraps the generator in a <see cref="BinaryEmbeddingGenerator"/>.</summary>
    /// <param name="generator">The float generator.</param>
    /// <returns>The binary generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public static IEmbeddingGenerator<string, BinaryEmbedding> AsBinaryEmbeddingGenerator(this IEmbeddingGenerator<string, Embedding<float>> generator)
        => new BinaryEmbeddingGenerator(generator);
}
