namespace SkEmbeddingGemma.Batching;

/// <summary>
/// Groups inputs into ONNX calls: longest first, so each batch holds inputs of similar length and padding stays
/// small, bounded by a row count and by a padded-token budget (rows × longest length).
/// </summary>
internal static class BatchPlanner
{
    /// <summary>Plans batches of positions into <paramref name="lengths"/>; every position appears exactly once.</summary>
    public static List<int[]> Plan(IReadOnlyList<int> lengths, int maxBatchSize, int maxBatchTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchTokens, 1);

        int[] order = new int[lengths.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Stable: equal lengths keep input order.
        Array.Sort(order, (a, b) => lengths[b] != lengths[a] ? lengths[b].CompareTo(lengths[a]) : a.CompareTo(b));

        var batches = new List<int[]>();
        int start = 0;
        while (start < order.Length)
        {
            int longest = lengths[order[start]];
            int count = 1;
            while (start + count < order.Length && count < maxBatchSize && (long)(count + 1) * longest <= maxBatchTokens)
            {
                count++;
            }

            batches.Add(order[start..(start + count)]);
            start += count;
        }

        return batches;
    }
}
