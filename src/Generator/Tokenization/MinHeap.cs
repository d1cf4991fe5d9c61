using System.Buffers;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>A binary min-heap of packed <c>(rank &lt;&lt; 32) | position</c> keys over a pooled array.</summary>
/// <remarks>Lowest rank first, then lowest position: the order of Hugging Face's merge queue.</remarks>
internal struct MinHeap
{
    private long[] _items;
    private int _count;

    public MinHeap(long[] items)
    {
        _items = items;
        _count = 0;
    }

    /// <summary>Gets the backing array, which may have been swapped for a larger pooled one.</summary>
    public readonly long[] Items => _items;

    public readonly int Count => _count;

    public void Push(long item)
    {
        if (_count == _items.Length)
        {
            long[] larger = ArrayPool<long>.Shared.Rent(_items.Length * 2);
            _items.AsSpan().CopyTo(larger);
            ArrayPool<long>.Shared.Return(_items);
            _items = larger;
        }

        long[] items = _items;
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (items[parent] <= item)
            {
                break;
            }

            items[i] = items[parent];
            i = parent;
        }

        items[i] = item;
    }

    public long Pop()
    {
        long[] items = _items;
        long top = items[0];
        long last = items[--_count];
        int i = 0;
        int half = _count >> 1;
        while (i < half)
        {
            int child = (2 * i) + 1;
            if (child + 1 < _count && items[child + 1] < items[child])
            {
                child++;
            }

            if (last <= items[child])
            {
                break;
            }

            items[i] = items[child];
            i = child;
        }

        if (_count > 0)
        {
            items[i] = last;
        }

        return top;
    }
}
