namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// What a collection needs from its derived index, whatever it stores: float vectors (<see cref="FaissIndex"/>),
/// their sign bits (<see cref="FaissBinaryIndex"/>) or a Matryoshka prefix (<see cref="FaissPrefixIndex"/>). Vectors
/// always come in and queries always go out as row-major float32 at the collection's width.
/// </summary>
internal interface IFaissVectorIndex : IDisposable
{
    /// <summary>Gets the width of the float rows the index takes.</summary>
    int Dimension { get; }

    /// <summary>Gets a value indicating whether vectors can be removed (HNSW cannot).</summary>
    bool SupportsRemove { get; }

    /// <summary>Gets the number of vectors stored.</summary>
    long Count { get; }

    /// <summary>Gets a value indicating whether the index is trained.</summary>
    bool IsTrained { get; }

    /// <summary>Trains the index on row-major vectors.</summary>
    void Train(ReadOnlySpan<float> vectors);

    /// <summary>Adds row-major vectors under the given ids.</summary>
    void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids);

    /// <summary>Removes the given ids and returns how many vectors were removed.</summary>
    long Remove(ReadOnlySpan<long> ids);

    /// <summary>Searches as <see cref="FaissIndex.Search"/>; distances are the index's own (Hamming counts for binary).</summary>
    void Search(
        ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> labels,
        ReadOnlySpan<long> selector = default, bool useSelector = false, bool exclude = false, int efSearch = 0, int nprobe = 0);

    /// <summary>Gets every id stored in the index.</summary>
    long[] GetIds();

    /// <summary>Writes the index to a file.</summary>
    void Write(string path);
}
