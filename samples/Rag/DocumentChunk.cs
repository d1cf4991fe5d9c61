using Microsoft.Extensions.VectorData;

namespace Rag;

/// <summary>One chunk of an ingested file; its vector is EmbeddingGemma's document embedding of <see cref="Text"/> titled <see cref="Title"/>.</summary>
public sealed class DocumentChunk
{
    public const string CollectionName = "chunks";

    public required string Id { get; init; }

    /// <summary>The file's path relative to the ingested folder.</summary>
    public required string Source { get; init; }

    /// <summary>The file's name without extension: the title in EmbeddingGemma's document prompt.</summary>
    public required string Title { get; init; }

    public required string Text { get; init; }

    /// <summary>The vector property: the store embeds the text itself.</summary>
    public string Embedding => Text;

    /// <summary>The record definition for a model of <paramref name="dimensions"/> dimensions (768 for EmbeddingGemma, 64 for the test model).</summary>
    public static VectorStoreCollectionDefinition Definition(int dimensions) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Id), typeof(string)),
            new VectorStoreDataProperty(nameof(Source), typeof(string)),
            new VectorStoreDataProperty(nameof(Title), typeof(string)),
            new VectorStoreDataProperty(nameof(Text), typeof(string)),
            new VectorStoreVectorProperty(nameof(Embedding), typeof(string), dimensions),
        ],
    };
}
