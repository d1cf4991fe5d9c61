using Microsoft.Extensions.VectorData;

namespace FindMyPhotos;

/// <summary>One indexed photo: its path and EmbeddingGemma 2's embedding of the image.</summary>
public sealed class Photo
{
    public const string CollectionName = "photos";

    /// <summary>The photo's path relative to the indexed folder.</summary>
    public required string Path { get; init; }

    /// <summary>The image's embedding, in the same space as text queries.</summary>
    public required ReadOnlyMemory<float> Embedding { get; init; }

    public static VectorStoreCollectionDefinition Definition(int dimensions) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Path), typeof(string)),
            new VectorStoreVectorProperty(nameof(Embedding), typeof(ReadOnlyMemory<float>), dimensions),
        ],
    };
}
