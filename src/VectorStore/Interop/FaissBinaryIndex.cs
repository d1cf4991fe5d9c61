namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// A native FAISS binary index (<c>faiss::IndexBinary</c>: Hamming distance over packed bits). Its
/// <see cref="IFaissVectorIndex"/> side takes float rows and stores their sign bits (<c>x &gt; 0</c>, packed as
/// sentence-transformers' <c>ubinary</c> by <see cref="FaissBinaryVectors"/>), so the index a collection derives from its
/// float (or ±1 bit) vectors is the binary quantization of them. Not thread-safe for writes; concurrent searches are
/// safe when no write runs.
/// </summary>
internal sealed unsafe class FaissBinaryIndex : IFaissVectorIndex
{
    private readonly FaissBinaryIndexHandle _handle;

    private FaissBinaryIndex(FaissBinaryIndexHandle handle)
    {
        _handle = handle;
        FaissNative.Check(FaissNative.BinaryDimension(handle, out int dimension), "binary dimension");
        FaissNative.Check(FaissNative.BinarySupportsRemove(handle, out int supportsRemove), "binary supports_remove");
        Dimension = dimension;
        CodeSize = dimension / 8;
        SupportsRemove = supportsRemove != 0;
    }

    /// <summary>Gets the number of bits per vector.</summary>
    public int Dimension { get; }

    /// <summary>Gets the number of bytes per packed vector.</summary>
    public int CodeSize { get; }

    /// <inheritdoc />
    public bool SupportsRemove { get; }

    /// <inheritdoc />
    public long Count
    {
        get
        {
            FaissNative.Check(FaissNative.BinaryCount(_handle, out long count), "binary ntotal");
            return count;
        }
    }

    /// <inheritdoc />
    public bool IsTrained
    {
        get
        {
            FaissNative.Check(FaissNative.BinaryIsTrained(_handle, out int trained), "binary is_trained");
            return trained != 0;
        }
    }

    /// <summary>Creates a binary index of <paramref name="dimension"/> bits (a multiple of 8).</summary>
    /// <param name="dimension">Bits per vector.</param>
    /// <param name="kind">The index structure.</param>
    /// <param name="parameter">HNSW's M or IVF's list count; ignored for flat.</param>
    public static FaissBinaryIndex Create(int dimension, FaissBinaryIndexKind kind, int parameter = 0)
    {
        int code = FaissNative.BinaryCreate(dimension, (int)kind, parameter, out FaissBinaryIndexHandle handle);
        return Wrap(code, handle, $"binary create ({kind}, {dimension} bits)");
    }

    /// <summary>Reads an index written by <see cref="Write"/> or by any FAISS (Python's <c>faiss.write_index_binary</c>).</summary>
    public static FaissBinaryIndex Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int code = FaissNative.BinaryReadIndex(path, out FaissBinaryIndexHandle handle);
        return Wrap(code, handle, "read_index_binary");
    }

    private static FaissBinaryIndex Wrap(int code, FaissBinaryIndexHandle handle, string operation)
    {
        if (code != 0)
        {
            handle.Dispose();
            FaissNative.Check(code, operation);
        }

        try
        {
            return new FaissBinaryIndex(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Sets HNSW's efConstruction and efSearch, or IVF's nprobe (as <paramref name="efSearch"/>); 0 leaves one as is.</summary>
    public void SetSearchParameters(int efConstruction, int efSearch)
        => FaissNative.Check(FaissNative.BinarySetSearchParameters(_handle, efConstruction, efSearch), "binary set_search_parameters");

    /// <summary>Trains on packed codes (<see cref="CodeSize"/> bytes per vector).</summary>
    public void TrainPacked(ReadOnlySpan<byte> codes)
    {
        long n = PackedRows(codes);
        fixed (byte* x = codes)
        {
            FaissNative.Check(FaissNative.BinaryTrain(_handle, n, x), "binary train");
        }
    }

    /// <summary>Adds packed codes under the given ids.</summary>
    public void AddPacked(ReadOnlySpan<byte> codes, ReadOnlySpan<long> ids)
    {
        long n = PackedRows(codes);
        if (n != ids.Length)
        {
            throw new ArgumentException("One id is needed per vector.", nameof(ids));
        }

        fixed (byte* x = codes)
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.BinaryAddWithIds(_handle, n, x, i), "binary add_with_ids");
        }
    }

    /// <summary>Searches packed queries; <paramref name="distances"/> receive Hamming distances, labels -1 where fewer were found.</summary>
    public void SearchPacked(
        ReadOnlySpan<byte> queries, int k, Span<int> distances, Span<long> labels,
        ReadOnlySpan<long> selector = default, bool useSelector = false, bool exclude = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        long n = PackedRows(queries);
        if (distances.Length < n * k || labels.Length < n * k)
        {
            throw new ArgumentException("The result buffers must hold k results per query.", nameof(distances));
        }

        long empty = 0;
        fixed (byte* q = queries)
        fixed (int* d = distances)
        fixed (long* l = labels)
        fixed (long* s = selector)
        {
            long* selectorPointer = useSelector ? (s == null ? &empty : s) : null;
            FaissNative.Check(
                FaissNative.BinarySearch(_handle, n, q, k, d, l, selectorPointer, useSelector ? selector.Length : 0, exclude ? 1 : 0),
                "binary search");
        }
    }

    /// <inheritdoc />
    public void Train(ReadOnlySpan<float> vectors) => TrainPacked(Pack(vectors));

    /// <inheritdoc />
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids) => AddPacked(Pack(vectors), ids);

    /// <inheritdoc />
    public void Search(
        ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> labels,
        ReadOnlySpan<long> selector = default, bool useSelector = false, bool exclude = false, int efSearch = 0, int nprobe = 0)
    {
        // efSearch and nprobe are the index's own (SetSearchParameters): FAISS 1.7.3's binary indexes take no parameters.
        byte[] packed = Pack(queries);
        var hamming = new int[distances.Length];
        SearchPacked(packed, k, hamming, labels, selector, useSelector, exclude);
        for (int i = 0; i < hamming.Length; i++)
        {
            distances[i] = hamming[i];
        }
    }

    /// <inheritdoc />
    public long Remove(ReadOnlySpan<long> ids)
    {
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.BinaryRemoveIds(_handle, ids.Length, i, out long removed), "binary remove_ids");
            return removed;
        }
    }

    /// <inheritdoc />
    public long[] GetIds()
    {
        FaissNative.Check(FaissNative.BinaryGetIds(_handle, null, 0, out long count), "binary get_ids");
        var ids = new long[count];
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.BinaryGetIds(_handle, i, ids.Length, out count), "binary get_ids");
        }

        return ids;
    }

    /// <inheritdoc />
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FaissNative.Check(FaissNative.BinaryWriteIndex(_handle, path), "write_index_binary");
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    /// <summary>Packs row-major float rows into their sign bits, <see cref="CodeSize"/> bytes per row.</summary>
    public byte[] Pack(ReadOnlySpan<float> vectors)
    {
        if (vectors.Length % Dimension != 0)
        {
            throw new ArgumentException($"The vector buffer length {vectors.Length} is not a multiple of the dimension {Dimension}.", nameof(vectors));
        }

        int rows = vectors.Length / Dimension;
        var codes = new byte[rows * CodeSize];
        for (int r = 0; r < rows; r++)
        {
            FaissBinaryVectors.PackSigns(vectors.Slice(r * Dimension, Dimension), codes.AsSpan(r * CodeSize, CodeSize));
        }

        return codes;
    }

    private long PackedRows(ReadOnlySpan<byte> codes)
    {
        if (codes.Length % CodeSize != 0)
        {
            throw new ArgumentException($"The code buffer length {codes.Length} is not a multiple of the code size {CodeSize}.", nameof(codes));
        }

        return codes.Length / CodeSize;
    }
}
