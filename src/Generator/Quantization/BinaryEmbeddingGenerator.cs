using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Quantization;

/// <summary>
/// Turns the float embeddings of an inner generator into sign bits (<c>x &gt; 0</c>), the bits sentence-transformers
/// packs as <c>ubinary</c>: a 32nd of float32's memory, compared by Hamming distance. Bit <c>i</c> of
/// <see cref="BinaryEmbedding.Vector"/> is dimension <c>i</c>; <see cref="EmbeddingQuantizer.PackBits"/> gives the packed bytes.
/// </summary>
/// <remarks>
/// Options pass through to the inner generator, so a Matryoshka width and prompts work as they do there. Needs no
/// calibration. All members are thread-safe.
/// </remarks>
public sealed class BinaryEmbeddingGenerator : IEmbeddingGenerator<string, BinaryEmbedding>
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;

    /// <summary>Wraps a float generator.</summary>
    /// <param name="innerGenerator">The generator whose embeddings are binarized.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    public BinaryEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator)
        => _inner = innerGenerator ?? throw new ArgumentNullException(nameof(innerGenerator));

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">An embedding has a NaN or infinite value.</exception>
    public Task<GeneratedEmbeddings<BinaryEmbedding>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        => QuantizedGeneration.GenerateAsync(_inner, values, options, v => new BinaryEmbedding(EmbeddingQuantizer.ToBitArray(v.Span)), cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => QuantizedGeneration.GetService(this, _inner, serviceType, serviceKey);

    /// <summary>Disposes the inner generator.</summary>
    public void Dispose() => _inner.Dispose();
}
