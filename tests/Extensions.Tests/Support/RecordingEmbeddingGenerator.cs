using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>Records what reaches the model: the inputs and the prompt name of each call.</summary>
public sealed class RecordingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public ConcurrentQueue<(string[] Values, string? PromptName, int? Dimensions)> Calls { get; } = new();

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] materialized = values.ToArray();
        Calls.Enqueue((materialized, options?.AdditionalProperties?.TryGetValue(EmbeddingGemmaPropertyNames.PromptName, out object? name) == true ? name as string : null, options?.Dimensions));
        return base.GenerateAsync(materialized, options, cancellationToken);
    }
}
