using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Quantization;

/// <summary>What the quantizing generators share: run the float generator, convert each embedding, keep its metadata.</summary>
internal static class QuantizedGeneration
{
    internal static async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync<TEmbedding>(
        IEmbeddingGenerator<string, Embedding<float>> inner, IEnumerable<string> values, EmbeddingGenerationOptions? options,
        Func<ReadOnlyMemory<float>, TEmbedding> convert, CancellationToken cancellationToken)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(values);
        GeneratedEmbeddings<Embedding<float>> floats = await inner.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        var result = new GeneratedEmbeddings<TEmbedding>(floats.Count)
        {
            Usage = floats.Usage,
            AdditionalProperties = floats.AdditionalProperties,
        };
        foreach (Embedding<float> source in floats)
        {
            TEmbedding quantized = convert(source.Vector);
            quantized.CreatedAt = source.CreatedAt;
            quantized.ModelId = source.ModelId;
            quantized.AdditionalProperties = source.AdditionalProperties;
            result.Add(quantized);
        }

        return result;
    }

    internal static object? GetService(object self, IEmbeddingGenerator<string, Embedding<float>> inner, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(self) ? self : inner.GetService(serviceType, serviceKey);
    }
}
