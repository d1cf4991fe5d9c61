using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// A <see cref="FakeEmbeddingGenerator"/> that reports an identity in <see cref="EmbeddingGeneratorMetadata"/>, as real
/// generators do, and counts how often it was asked for it.
/// </summary>
public sealed class IdentifiedEmbeddingGenerator(string modelId, int dimensions, int reportedDimensions = 0) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly FakeEmbeddingGenerator _inner = new(dimensions);

    public int MetadataRequests { get; private set; }

    public int Calls => _inner.Calls.Count;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        => _inner.GenerateAsync(values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        if (serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            MetadataRequests++;
            return new EmbeddingGeneratorMetadata("test-provider", null, modelId, reportedDimensions == 0 ? dimensions : reportedDimensions);
        }

        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }
}
