using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Options of a <see cref="FaissVectorStore"/>.</summary>
/// <remarks>Read once when the store is created; don't change an instance while a store uses it.</remarks>
public sealed class FaissVectorStoreOptions
{
    /// <summary>Initializes a new instance of the <see cref="FaissVectorStoreOptions"/> class.</summary>
    public FaissVectorStoreOptions()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissVectorStoreOptions"/> class as a copy of another.</summary>
    /// <param name="source">The options to copy (<see cref="CollectionDefaults"/> is copied too).</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public FaissVectorStoreOptions(FaissVectorStoreOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        EmbeddingGenerator = source.EmbeddingGenerator;
        ThreadCount = source.ThreadCount;
        CollectionDefaults = source.CollectionDefaults is { } defaults ? new(defaults) : null;
    }

    /// <summary>
    /// Gets or sets the default embedding generator of the store's collections, used for string-typed vector properties
    /// and for searches with text. EmbeddingGemma receives the document prompt on upsert and the query prompt on search.
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets the OpenMP thread count FAISS uses (process-wide); <see langword="null"/> keeps FAISS's default.</summary>
    public int? ThreadCount { get; set; }

    /// <summary>Gets or sets settings applied to every collection the store creates; <see langword="null"/> uses the defaults.</summary>
    public FaissCollectionOptions? CollectionDefaults { get; set; }
}
