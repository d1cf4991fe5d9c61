namespace SkEmbeddingGemma.Batching;

/// <summary>
/// Groups inputs into ONNX calls: longest first, so each batch holds inputs of similar length, bounded by a row count,
/// a padded-token budget, and a fill ratio: at least <see cref="MinimumFill"/> of a batch's cells are real tokens. On
/// CPU a padded cell costs as much as a real one, so a short text never rides with a long one.
/// </summary>
/// <remarks>
/// A batch costs rows × longest length tokens of the budget while rows are at most <see cref="QuadraticFrom"/> tokens
/// long. Longer rows cost rows × longest² / <see cref="QuadraticFrom"/>: attention holds a longest × longest score
/// matrix per row and head, which outgrows the activations that grow with length, so a batch of long rows is bounded
/// by its attention memory. Up to that length (all of EmbeddingGemma 300m's context) the budget is plain padded tokens.
/// </remarks>
internal static class BatchPlanner
{
    /// <summary>The least share of real tokens in a batch of several inputs.</summary>
    public const double MinimumFill = 0.8;

    /// <summary>The row length from which a row costs the square of its length, scaled to match at this length.</summary>
    public const int QuadraticFrom = 2048;

    /// <summary>The budget <paramref name="rows"/> rows padded to <paramref name="longest"/> tokens use.</summary>
    public static long Cost(int rows, int longest) =>
        longest <= QuadraticFrom ? (long)rows * longest : (long)Math.Ceiling((double)rows * longest * longest / QuadraticFrom);

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
            while (start + count < order.Length && count < maxBatchSize && Cost(count + 1, longest) <= maxBatchTokens &&
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
