using System.Buffers;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Pooled per-call symbol buffers of <see cref="GemmaBpeModel"/>: sized by the longest segment of one call, grown when
/// byte fallback adds symbols, and returned at the end of the call, so nothing is cached between calls.
/// </summary>
internal struct BpeScratch
{
    public int[] Ids;
    public int[] Starts;
    public int[] Ends;
    public int[] Prev;
    public int[] Next;
    public long[] Heap;

    /// <summary>Ensures room for <paramref name="capacity"/> symbols, keeping the first <paramref name="keep"/>.</summary>
    public void EnsureCapacity(int capacity, int keep)
    {
        if (Ids is not null && Ids.Length >= capacity)
        {
            return;
        }

        capacity = Math.Max(capacity, Ids is null ? 64 : Ids.Length * 2);
        Ids = Grow(Ids, capacity, keep);
        Starts = Grow(Starts, capacity, keep);
        Ends = Grow(Ends, capacity, keep);
        Prev = Grow(Prev, capacity, 0);
        Next = Grow(Next, capacity, 0);
        if (Heap is null || Heap.Length < capacity)
        {
            if (Heap is not null)
            {
                ArrayPool<long>.Shared.Return(Heap);
            }

            Heap = ArrayPool<long>.Shared.Rent(capacity);
        }
    }

    public void Add(ref int count, int id, int start, int end)
    {
        if (count == Ids.Length)
        {
            EnsureCapacity(count + 1, count);
        }

        Ids[count] = id;
        Starts[count] = start;
        Ends[count] = end;
        count++;
    }

    private static int[] Grow(int[]? array, int capacity, int keep)
    {
        int[] larger = ArrayPool<int>.Shared.Rent(capacity);
        if (array is not null)
        {
            array.AsSpan(0, keep).CopyTo(larger);
            ArrayPool<int>.Shared.Return(array);
        }

        return larger;
    }

    public void Return()
    {
        if (Ids is null)
        {
            return;
        }

        ArrayPool<int>.Shared.Return(Ids);
        ArrayPool<int>.Shared.Return(Starts);
        ArrayPool<int>.Shared.Return(Ends);
        ArrayPool<int>.Shared.Return(Prev);
        ArrayPool<int>.Shared.Return(Next);
        ArrayPool<long>.Shared.Return(Heap);
        this = default;
    }
}
