using System.Buffers;

namespace SkEmbeddingGemma.Batching;

/// <summary>
/// A right-padded [rows, columns] block of token ids and attention mask in pooled arrays, ready to pin as ONNX inputs.
/// Dispose returns the arrays.
/// </summary>
internal sealed class TokenBatch : IDisposable
{
    private TokenBatch(long[] inputIds, long[] attentionMask, int rows, int columns)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Gets the ids, row-major; only the first <see cref="Rows"/> × <see cref="Columns"/> cells are meaningful.</summary>
    public long[] InputIds { get; }

    /// <summary>Gets the mask: 1 for tokens, 0 for padding.</summary>
    public long[] AttentionMask { get; }

    /// <summary>Gets the number of inputs.</summary>
    public int Rows { get; }

    /// <summary>Gets the padded length: the longest input's.</summary>
    public int Columns { get; }

    /// <summary>Pads the given inputs to the longest one with <paramref name="paddingId"/> (right padding).</summary>
    public static TokenBatch Create(IReadOnlyList<TokenizedInput> inputs, int paddingId)
    {
        int columns = 0;
        foreach (TokenizedInput input in inputs)
        {
            columns = Math.Max(columns, input.Ids.Length);
        }

        int cells = inputs.Count * columns;
        long[] ids = ArrayPool<long>.Shared.Rent(cells);
        long[] mask = ArrayPool<long>.Shared.Rent(cells);
        for (int row = 0; row < inputs.Count; row++)
        {
            int[] source = inputs[row].Ids;
            Span<long> idRow = ids.AsSpan(row * columns, columns);
            Span<long> maskRow = mask.AsSpan(row * columns, columns);
            for (int i = 0; i < source.Length; i++)
            {
                idRow[i] = source[i];
            }

            idRow[source.Length..].Fill(paddingId);
            maskRow[..source.Length].Fill(1);
            maskRow[source.Length..].Clear();
        }

        return new TokenBatch(ids, mask, inputs.Count, columns);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(InputIds);
        ArrayPool<long>.Shared.Return(AttentionMask);
    }
}
