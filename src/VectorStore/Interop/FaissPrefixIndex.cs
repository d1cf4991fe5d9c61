namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// A float index over the first <see cref="PrefixDimension"/> dimensions of each row (a Matryoshka prefix), taking
/// full-width rows and queries: the cheap first pass of a two-stage search, rescored at full width. With
/// <paramref name="normalize"/> each stored prefix is scaled to unit length, as a Matryoshka embedding truncated to that
/// width is, so inner product ranks prefixes by cosine.
/// </summary>
internal sealed class FaissPrefixIndex(FaissIndex inner, int dimension, bool normalize) : IFaissVectorIndex
{
    /// <summary>Gets the index of the prefix.</summary>
    public FaissIndex Inner { get; } = inner;

    /// <summary>Gets the prefix width.</summary>
    public int PrefixDimension => Inner.Dimension;

    /// <inheritdoc />
    public int Dimension { get; } = dimension;

    /// <inheritdoc />
    public bool SupportsRemove => Inner.SupportsRemove;

    /// <inheritdoc />
    public long Count => Inner.Count;

    /// <inheritdoc />
    public bool IsTrained => Inner.IsTrained;

    /// <inheritdoc />
    public void Train(ReadOnlySpan<float> vectors) => Inner.Train(Prefix(vectors));

    /// <inheritdoc />
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        float[] prefix = Prefix(vectors);
        if (normalize)
        {
            for (int r = 0; r < ids.Length; r++)
            {
                FaissSearchMapping.NormalizeInPlace(prefix.AsSpan(r * PrefixDimension, PrefixDimension));
            }
        }

        Inner.Add(prefix, ids);
    }

    /// <inheritdoc />
    public long Remove(ReadOnlySpan<long> ids) => Inner.Remove(ids);

    /// <inheritdoc />
    public void Search(
        ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> labels,
        ReadOnlySpan<long> selector = default, bool useSelector = false, bool exclude = false, int efSearch = 0, int nprobe = 0)
        => Inner.Search(Prefix(queries), k, distances, labels, selector, useSelector, exclude, efSearch, nprobe);

    /// <inheritdoc />
    public long[] GetIds() => Inner.GetIds();

    /// <inheritdoc />
    public void Write(string path) => Inner.Write(path);

    /// <inheritdoc />
    public void Dispose() => Inner.Dispose();

    private float[] Prefix(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Dimension != 0)
        {
            throw new ArgumentException($"The vector buffer length {rows.Length} is not a multiple of the dimension {Dimension}.", nameof(rows));
        }

        int count = rows.Length / Dimension;
        var prefix = new float[count * PrefixDimension];
        for (int r = 0; r < count; r++)
        {
            rows.Slice(r * Dimension, PrefixDimension).CopyTo(prefix.AsSpan(r * PrefixDimension, PrefixDimension));
        }

        return prefix;
    }
}
