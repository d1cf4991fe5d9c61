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
        IvfListsOnDisk = source.IvfListsOnDisk;
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
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int IvfListCount
    {
        get;
        set => field = value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "An IVF index has at least one list.") : value;
    } = 1024;

    /// <summary>Gets or sets the number of IVF lists probed per query (all of them when it is at least the list count).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int IvfProbeCount
    {
        get;
        set => field = value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "An IVF search probes at least one list.") : value;
    } = 16;

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="IndexKind.IvfFlat"/> vector properties keep their inverted
    /// lists (the vectors) in files beside the index snapshot instead of in RAM, so a collection larger than memory is
    /// searchable: RAM holds the coarse quantizer and the list sizes; the kernel pages in the lists a search probes.
    /// </summary>
    /// <remarks>
    /// The index is trained as an in-memory IVF is: on the first batch written (one list per 39 vectors, up to
    /// <see cref="IvfListCount"/>, so below 78 vectors one list: an exact search), retrained from SQLite on the first
    /// <see cref="IvfListCount"/> × 39 stored vectors once the collection outgrows a small training set fourfold. Writes go
    /// to a lists file private to the collection instance; a snapshot (<see cref="SnapshotThreshold"/>,
    /// <see cref="FaissCollection{TKey, TRecord}.SaveIndexAsync(CancellationToken)"/>, dispose) writes all lists into the
    /// snapshot file, which later opens map read-only, so snapshots of a large collection are best taken rarely.
    /// SQLite stays the source of truth: a snapshot that is missing, torn or stale is reconciled or rebuilt from it.
    /// Needs every vector property to be <see cref="IndexKind.IvfFlat"/>, without <see cref="TwoStageSearch"/>.
    /// </remarks>
    public bool IvfListsOnDisk { get; set; }

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
