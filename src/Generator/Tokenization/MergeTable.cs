using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Open-addressing map from a packed (left id, right id) pair to a packed (rank, merged id): one cache line per
/// lookup, the hot path of BPE. Keys are mixed with a Fibonacci multiply because <see cref="long.GetHashCode"/>
/// (<c>left ^ right</c> here) clusters badly.
/// </summary>
/// <remarks>Immutable after construction and thread-safe.</remarks>
internal sealed class MergeTable
{
    private const long Empty = -1;
    private readonly Entry[] _entries;
    private readonly int _shift;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    public MergeTable(List<KeyValuePair<long, long>> merges)
    {
        ArgumentNullException.ThrowIfNull(merges);
        int bits = 4;
        while ((1 << bits) < merges.Count * 2)
        {
            bits++;
        }

        _shift = 64 - bits;
        _entries = new Entry[1 << bits];
        Array.Fill(_entries, new Entry(Empty, 0));
        int mask = _entries.Length - 1;
        foreach ((long key, long value) in CollectionsMarshal.AsSpan(merges))
        {
            int slot = Slot(key);
            while (_entries[slot].Key != Empty && _entries[slot].Key != key)
            {
                slot = (slot + 1) & mask;
            }

            // A repeated pair keeps its last value, like Hugging Face's HashMap collect.
            Count += _entries[slot].Key == Empty ? 1 : 0;
            _entries[slot] = new Entry(key, value);
        }
    }

    /// <summary>Gets the number of distinct pairs.</summary>
    public int Count { get; }

    public bool TryGetValue(long key, out long value)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        for (int slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            ref Entry entry = ref entries[slot];
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }

            if (entry.Key == Empty)
            {
                value = 0;
                return false;
            }
        }
    }

    /// <summary>Hugging Face's <c>Word::merge_all</c>: a min-heap of (rank, position) over a linked list of symbols.</summary>
    /// <returns>The index of the first symbol (always 0).</returns>
    public int MergeAll(ref BpeScratch s, int count)
    {
        int[] ids = s.Ids;
        int[] ends = s.Ends;
        int[] prev = s.Prev;
        int[] next = s.Next;
        var heap = new MinHeap(s.Heap);
        for (int i = 0; i < count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
            if (i + 1 < count && TryGetValue(BpeModelData.MergeKey(ids[i], ids[i + 1]), out long merge))
            {
                heap.Push((merge & ~0xFFFFFFFFL) | (uint)i);
            }
        }

        while (heap.Count > 0)
        {
            long top = heap.Pop();
            int position = (int)(uint)top;
            int rank = (int)(top >>> 32);
            int right = next[position];
            // Entries go stale when a neighbour merged first: re-check the pair still merges with this rank.
            if (ids[position] < 0 || right < 0
                || !TryGetValue(BpeModelData.MergeKey(ids[position], ids[right]), out long merge)
                || (int)(merge >>> 32) != rank)
            {
                continue;
            }

            ids[position] = (int)(uint)merge;
            ends[position] = ends[right];
            ids[right] = -1;
            int after = next[right];
            next[position] = after;
            if (after >= 0)
            {
                prev[after] = position;
            }

            int before = prev[position];
            if (before >= 0 && TryGetValue(BpeModelData.MergeKey(ids[before], ids[position]), out long left))
            {
                heap.Push((left & ~0xFFFFFFFFL) | (uint)before);
            }

            if (after >= 0 && TryGetValue(BpeModelData.MergeKey(ids[position], ids[after]), out long rightMerge))
            {
                heap.Push((rightMerge & ~0xFFFFFFFFL) | (uint)position);
            }
        }

        s.Heap = heap.Items;
        return 0;
    }

    private int Slot(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> _shift);

    private readonly record struct Entry(long Key, long Value);
}
