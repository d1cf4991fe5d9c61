using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Options of a <see cref="FaissCollection{TKey, TRecord}"/>.</summary>
/// <remarks>Read once when the collection is created; don't change an instance while a collection uses it.</remarks>
public sealed class FaissCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Initializes a new instance of the <see cref="FaissCollectionOptions"/> class.</summary>
    public FaissCollectionOptions()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissCollectionOptions"/> class as a copy of another.</summary>
    /// <param name="source">The options to copy.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public FaissCollectionOptions(FaissCollectionOptions source)
        : base(source ?? throw new ArgumentNullException(nameof(source)))
    {
        TitleProperty = source.TitleProperty;
        HnswM = source.HnswM;
        HnswEfConstruction = source.HnswEfConstruction;
        HnswEfSearch = source.HnswEfSearch;
        IvfListCount = source.IvfListCount;
        IvfProbeCount = source.IvfProbeCount;
        SnapshotThreshold = source.SnapshotThreshold;
        CreationHook = source.CreationHook;
        TwoStageSearch = source.TwoStageSearch is null ? null : new FaissTwoStageSearchOptions(source.TwoStageSearch);
    }

    /// <summary>
    /// Gets or sets the name of a string data property whose value is the document title sent to the embedding generator
    /// (EmbeddingGemma's <c>title: {title} | text: </c> prompt). Without one, the title is <c>none</c>.
    /// </summary>
    public string? TitleProperty { get; set; }

    /// <summary>Gets or sets the number of HNSW neighbours per node (<c>HNSW{M}</c>).</summary>
    public int HnswM { get; set; } = 32;

    /// <summary>Gets or sets HNSW's <c>efConstruction</c>.</summary>
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>Gets or sets HNSW's <c>efSearch</c> (raised to the requested result count when smaller).</summary>
    public int HnswEfSearch { get; set; } = 128;

    /// <summary>Gets or sets the number of IVF lists; smaller first batches train fewer (at least 39 vectors per list).</summary>
    public int IvfListCount { get; set; } = 1024;

    /// <summary>Gets or sets the number of IVF lists probed per query.</summary>
    public int IvfProbeCount { get; set; } = 16;

    /// <summary>
    /// Gets or sets how many changed records trigger a snapshot of the FAISS index file. The index is also saved on
    /// dispose and by <see cref="FaissCollection{TKey, TRecord}.SaveIndexAsync(CancellationToken)"/>; records are durable
    /// in SQLite regardless.
    /// </summary>
    public int SnapshotThreshold { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets two-stage search (a cheap in-memory first pass, exact rescoring from SQLite), or null for one exact
    /// pass over the float index. Changing it between opens rebuilds the index from SQLite.
    /// </summary>
    public FaissTwoStageSearchOptions? TwoStageSearch { get; set; }

    /// <summary>
    /// Gets or sets a callback run inside the transaction of <see cref="FaissCollection{TKey, TRecord}.EnsureCollectionExistsAsync(CancellationToken)"/>
    /// after the definition was checked (the flag: whether it created the collection): what an application stores
    /// beside a collection (the CLI's schema) is then written or checked atomically with it; throwing rolls back.
    /// </summary>
    public Action<Microsoft.Data.Sqlite.SqliteConnection, Microsoft.Data.Sqlite.SqliteTransaction, bool>? CreationHook { get; set; }
}
