using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>
/// The scores a correct store gives: inner products of the query-prompted question with the document-prompted passages,
/// computed directly with the generator. With random weights, ranking by these is the only meaningful "right answer".
/// </summary>
public static class PromptedScores
{
    // asDocuments = false embeds the passages with the query prompt: what a store that ignored the document prompt would score.
    public static async Task<Dictionary<string, float>> ComputeAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string question, IReadOnlyList<string> passages, bool asDocuments = true)
    {
        Embedding<float> query = await generator.GenerateQueryEmbeddingAsync(question);
        GeneratedEmbeddings<Embedding<float>> documents = asDocuments
            ? await generator.GenerateDocumentEmbeddingsAsync(passages)
            : await generator.GenerateQueryEmbeddingsAsync(passages);
        return passages.Select((text, i) => (text, score: TensorPrimitives.Dot(query.Vector.Span, documents[i].Vector.Span)))
            .ToDictionary(p => p.text, p => p.score, StringComparer.Ordinal);
    }
}
