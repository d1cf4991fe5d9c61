namespace SkEmbeddingGemma.MicroBatching;

/// <summary>Settings of <see cref="MicroBatchingEmbeddingGenerator"/>. Every setting has a validated default.</summary>
public sealed class MicroBatchingOptions
{
    /// <summary>
    /// Gets or sets how long the first waiting call of a batch waits for others to join; the default is 2 ms, small next
    /// to one EmbeddingGemma run on CPU.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above one second.</exception>
    public TimeSpan Window
    {
        get;
        set => field = value < TimeSpan.Zero || value > TimeSpan.FromSeconds(1)
            ? throw new ArgumentOutOfRangeException(nameof(value), value, "The window must be between 0 and 1 second.")
            : value;
    } = TimeSpan.FromMilliseconds(2);

    /// <summary>Gets or sets the most inputs one coalesced call carries; the default is 64. A full batch leaves at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxBatchSize
    {
        get;
        set => field = value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "A batch holds at least one input.") : value;
    } = 64;

    /// <summary>
    /// Gets or sets the most merged batches that run at once, or null (the default) for no limit. With a limit, calls
    /// that arrive while the engine is busy wait for it and then run together: bigger batches, and no runs competing
    /// for the same cores. One suits a CPU, where one run already uses every core it is given. Calls that pass straight
    /// through (other options, or a full batch in one call) do not count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int? MaxConcurrentBatches
    {
        get;
        set => field = value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "At least one batch must be able to run.") : value;
    }
}
