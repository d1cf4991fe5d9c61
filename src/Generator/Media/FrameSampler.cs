namespace SkEmbeddingGemma.Media;

/// <summary>
/// Which frames of a video are kept, as transformers.js' <c>EmbeddingGemma2VideoProcessor.sample_frames</c> chooses
/// them: all when there are at most <c>max_frames</c>; else the first ones (<c>truncate</c>) or
/// <c>np.linspace(0, n - 1, max).astype(int)</c> (<c>uniform</c>).
/// </summary>
internal static class FrameSampler
{
    /// <summary>Returns the kept frame indices, ascending (an index may repeat only when <paramref name="max"/> exceeds the count, which never happens here).</summary>
    /// <param name="count">The frames available.</param>
    /// <param name="max">The most frames kept (at least 1).</param>
    /// <param name="truncate">Keep the first frames instead of evenly spaced ones.</param>
    public static int[] Indices(int count, int max, bool truncate)
    {
        if (count <= max)
        {
            return [.. Enumerable.Range(0, count)];
        }

        if (truncate)
        {
            return [.. Enumerable.Range(0, max)];
        }

        double step = max > 1 ? (count - 1) / (double)(max - 1) : 0;
        return [.. Enumerable.Range(0, max).Select(i => i > 0 && i == max - 1 ? count - 1 : (int)Math.Floor(i * step))];
    }
}
