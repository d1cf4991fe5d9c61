namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// A managed view of one native FAISS index: every native return code is checked and turned into a
/// <see cref="FaissException"/>. Not thread-safe for writes; concurrent searches are safe when no write runs.
/// </summary>
internal sealed unsafe class FaissIndex : IFaissVectorIndex
{
    private readonly FaissIndexHandle _handle;

    private FaissIndex(FaissIndexHandle handle)
    {
        _handle = handle;
        FaissNative.Check(FaissNative.Dimension(handle, out int dimension), "dimension");
        FaissNative.Check(FaissNative.Metric(handle, out int metric), "metric");
        FaissNative.Check(FaissNative.SupportsRemove(handle, out int supportsRemove), "supports_remove");
        Dimension = dimension;
        IsInnerProduct = metric == FaissNative.MetricInnerProduct;
        SupportsRemove = supportsRemove != 0;
    }

    /// <summary>Gets the vector dimension.</summary>
    public int Dimension { get; }

    /// <summary>Gets a value indicating whether the metric is inner product (otherwise squared L2).</summary>
    public bool IsInnerProduct { get; }

    /// <summary>Gets a value indicating whether vectors can be removed (HNSW cannot).</summary>
    public bool SupportsRemove { get; }

    /// <summary>Gets the number of vectors stored.</summary>
    public long Count
    {
        get
        {
            FaissNative.Check(FaissNative.Count(_handle, out long count), "ntotal");
            return count;
        }
    }

    /// <summary>Gets a value indicating whether the index is trained.</summary>
    public bool IsTrained
    {
        get
        {
            FaissNative.Check(FaissNative.IsTrained(_handle, out int trained), "is_trained");
            return trained != 0;
        }
    }

    /// <summary>Gets the FAISS version the shim was compiled against.</summary>
    public static Version NativeVersion
    {
        get
        {
            FaissNative.Check(FaissNative.Version(out int major, out int minor, out int patch), "version");
            return new Version(major, minor, patch);
        }
    }

    /// <summary>Gets or sets the OpenMP thread count FAISS uses.</summary>
    public static int ThreadCount
    {
        get
        {
            FaissNative.Check(FaissNative.GetOmpThreads(out int count), "get_omp_threads");
            return count;
        }
        set => FaissNative.Check(FaissNative.SetOmpThreads(value), "set_omp_threads");
    }

    /// <summary>Creates an index with <c>faiss::index_factory</c>.</summary>
    public static FaissIndex Create(int dimension, string description, bool innerProduct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        int code = FaissNative.IndexFactory(
            dimension, description, innerProduct ? FaissNative.MetricInnerProduct : FaissNative.MetricL2, out FaissIndexHandle handle);
        return Wrap(code, handle, $"index_factory(\"{description}\")");
    }

    /// <summary>Reads an index written by <see cref="Write"/> or by any FAISS (e.g. Python's <c>faiss.write_index</c>).</summary>
    public static FaissIndex Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int code = FaissNative.ReadIndex(path, out FaissIndexHandle handle);
        return Wrap(code, handle, "read_index");
    }

    /// <summary>
    /// Reads an index with its IVF inverted lists memory-mapped rather than loaded: lists written on disk by
    /// <see cref="MoveListsToDisk"/>, or the lists inside an ordinary IVF index file. Only the coarse quantizer and the
    /// list sizes take RAM; the kernel pages lists in for the searches that probe them.
    /// </summary>
    public static FaissIndex ReadMemoryMapped(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int code = FaissNative.ReadIndexMemoryMapped(path, out FaissIndexHandle handle);
        return Wrap(code, handle, "read_index (mmap)");
    }

    /// <summary>
    /// Moves an empty, trained IVF index's inverted lists into <paramref name="listsPath"/> (FAISS on-disk inverted
    /// lists), so later <see cref="Add"/> batches grow that file instead of the heap.
    /// </summary>
    public void MoveListsToDisk(string listsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(listsPath);
        FaissNative.Check(FaissNative.IvfUseOnDiskLists(_handle, listsPath), "ivf_use_ondisk_lists");
    }

    /// <summary>
    /// Copies a trained IVF index's inverted lists, wherever they are (RAM, or the read-only mapping of
    /// <see cref="ReadMemoryMapped"/>), into a new on-disk lists file at <paramref name="listsPath"/> that the index
    /// then owns and writes: later adds and removes change that file only.
    /// </summary>
    public void CopyListsToDisk(string listsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(listsPath);
        FaissNative.Check(FaissNative.IvfCopyListsToDisk(_handle, listsPath), "ivf_copy_lists_to_disk");
    }

    /// <summary>
    /// Writes an IVF index as one ordinary FAISS file with its lists inline (readable by any FAISS, and memory-mapped by
    /// <see cref="ReadMemoryMapped"/>), streaming the lists from wherever they live.
    /// </summary>
    public void WriteWithInlineLists(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FaissNative.Check(FaissNative.WriteIndexInlineLists(_handle, path), "write_index_inline_lists");
    }

    private static FaissIndex Wrap(int code, FaissIndexHandle handle, string operation)
    {
        if (code != 0)
        {
            handle.Dispose();
            FaissNative.Check(code, operation);
        }

        try
        {
            return new FaissIndex(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Trains the index on row-major vectors.</summary>
    public void Train(ReadOnlySpan<float> vectors)
    {
        long n = RowCount(vectors);
        fixed (float* x = vectors)
        {
            FaissNative.Check(FaissNative.Train(_handle, n, x), "train");
        }
    }

    /// <summary>Adds row-major vectors under the given ids.</summary>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        long n = RowCount(vectors);
        if (n != ids.Length)
        {
            throw new ArgumentException("One id is needed per vector.", nameof(ids));
        }

        fixed (float* x = vectors)
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.AddWithIds(_handle, n, x, i), "add_with_ids");
        }
    }

    /// <summary>Removes the given ids and returns how many vectors were removed.</summary>
    public long Remove(ReadOnlySpan<long> ids)
    {
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.RemoveIds(_handle, ids.Length, i, out long removed), "remove_ids");
            return removed;
        }
    }

    /// <summary>
    /// Searches <paramref name="queries"/> (row-major) for the <paramref name="k"/> nearest neighbours; labels are -1
    /// where fewer were found. <paramref name="selector"/>, when not null, restricts the search to those ids (or, with
    /// <paramref name="exclude"/>, to all other ids).
    /// </summary>
    public void Search(
        ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> labels,
        ReadOnlySpan<long> selector = default, bool useSelector = false, bool exclude = false, int efSearch = 0, int nprobe = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        long n = RowCount(queries);
        if (distances.Length < n * k || labels.Length < n * k)
        {
            throw new ArgumentException("The result buffers must hold k results per query.", nameof(distances));
        }

        long empty = 0;
        fixed (float* q = queries)
        fixed (float* d = distances)
        fixed (long* l = labels)
        fixed (long* s = selector)
        {
            long* selectorPointer = useSelector ? (s == null ? &empty : s) : null;
            FaissNative.Check(
                FaissNative.Search(_handle, n, q, k, d, l, selectorPointer, useSelector ? selector.Length : 0, exclude ? 1 : 0, efSearch, nprobe),
                "search");
        }
    }

    /// <summary>Reconstructs the stored vector of an id.</summary>
    public float[] Reconstruct(long id)
    {
        var vector = new float[Dimension];
        fixed (float* v = vector)
        {
            FaissNative.Check(FaissNative.Reconstruct(_handle, id, v), "reconstruct");
        }

        return vector;
    }

    /// <summary>Gets every id stored in the index.</summary>
    public long[] GetIds()
    {
        FaissNative.Check(FaissNative.GetIds(_handle, null, 0, out long count), "get_ids");
        var ids = new long[count];
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.GetIds(_handle, i, ids.Length, out count), "get_ids");
        }

        return ids;
    }

    /// <summary>Sets HNSW's <c>efConstruction</c>.</summary>
    public void SetHnswEfConstruction(int efConstruction)
        => FaissNative.Check(FaissNative.HnswSetEfConstruction(_handle, efConstruction), "hnsw_set_ef_construction");

    /// <summary>Sets HNSW's default <c>efSearch</c> (FAISS 1.7.3 bounds the search queue by it).</summary>
    public void SetHnswEfSearch(int efSearch)
        => FaissNative.Check(FaissNative.HnswSetEfSearch(_handle, efSearch), "hnsw_set_ef_search");

    /// <summary>Writes the index with <c>faiss::write_index</c>.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FaissNative.Check(FaissNative.WriteIndex(_handle, path), "write_index");
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private long RowCount(ReadOnlySpan<float> vectors)
    {
        if (vectors.Length % Dimension != 0)
        {
            throw new ArgumentException($"The vector buffer length {vectors.Length} is not a multiple of the dimension {Dimension}.", nameof(vectors));
        }

        return vectors.Length / Dimension;
    }
}
