using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel.Data;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>A record whose vector is generated from its text by the collection's embedding generator.</summary>
public sealed class Passage
{
    [VectorStoreKey]
    [TextSearchResultName]
    public required string Id { get; init; }

    [VectorStoreData]
    [TextSearchResultValue]
    public required string Text { get; init; }

    [VectorStoreVector(TinyModel.Dimensions)]
    public string Embedding => Text;
}
