using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Quantization;

/// <summary>
/// Quantizes the float embeddings of an inner generator to int8 buckets (sentence-transformers' <c>int8</c> precision,
/// see <see cref="EmbeddingQuantizer.QuantizeInt8"/>) with fixed calibration ranges: a quarter of float32's memory.
/// </summary>
/// <remarks>
/// Options pass through to the inner generator, so a Matryoshka width (<see cref="EmbeddingGenerationOptions.Dimensions"/>)
/// and prompts work as they do there; the ranges must have been calibrated at that width. All members are thread-safe.
/// </remarks>
public sealed class Int8EmbeddingGenerator : IEmbeddingGenerator<string, Embedding<sbyte>>
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;

    /// <summary>Wraps a float generator.</summary>
    /// <param name="innerGenerator">The generator whose embeddings are quantized.</param>
    /// <param name="ranges">Calibration ranges at the width the inner generator returns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="ranges"/> is null.</exception>
    public Int8EmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, QuantizationRanges ranges)
    {
        _inner = innerGenerator ?? throw new ArgumentNullException(nameof(innerGenerator));
        Ranges = ranges ?? throw new ArgumentNullException(nameof(ranges));
    }

    /// <summary>Gets the calibration ranges.</summary>
    public QuantizationRanges Ranges { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">An embedding's width differs from <see cref="Ranges"/>, or it has a NaN or infinite value.</exception>
    public Task<GeneratedEmbeddings<Embedding<sbyte>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        => QuantizedGeneration.GenerateAsync(_inner, values, options, Quantize, cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => QuantizedGeneration.GetService(this, _inner, serviceType, serviceKey);

    /// <summary>Disposes the inner generator.</summary>
    public void Dispose() => _inner.Dispose();

    private Embedding<sbyte> Quantize(ReadOnlyMemory<float> vector)
    {
        var values = new sbyte[vector.Length];
        EmbeddingQuantizer.QuantizeInt8(vector.Span, Ranges, values);
        return new Embedding<sbyte>(values);
    }
}
