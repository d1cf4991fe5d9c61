namespace SkEmbeddingGemma.Batching;

/// <summary>
/// Groups inputs into ONNX calls: longest first, so each batch holds inputs of similar length, bounded by a row count,
/// a padded-token budget (rows × longest length), and a fill ratio: at least <see cref="MinimumFill"/> of a batch's
/// cells are real tokens. On CPU a padded cell costs as much as a real one, so a short text never rides with a long one.
/// </summary>
internal static class BatchPlanner
{
    /// <summary>The least share of real tokens in a batch of several inputs.</summary>
    public const double MinimumFill = 0.8;

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
            long real = longest;
            while (start + count < order.Length && count < maxBatchSize && (long)(count + 1) * longest <= maxBatchTokens &&
                   real + lengths[order[start + count]] >= MinimumFill * (count + 1) * longest)
            {
                real += lengths[order[start + count]];
                count++;
            }

            batches.Add(order[start..(start + count)]);
            start += count;
        }

        return batches;
    }
}
