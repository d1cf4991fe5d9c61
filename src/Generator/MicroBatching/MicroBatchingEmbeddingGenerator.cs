using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.MicroBatching;

/// <summary>
/// Coalesces concurrent small calls (a server's single-text requests) into batched calls of the inner generator:
/// calls with the same prompt, title and dimensions that arrive within <see cref="MicroBatchingOptions.Window"/> run as
/// one batch, first come first served, and each caller gets its own embeddings and usage back. With
/// <see cref="MicroBatchingOptions.MaxConcurrentBatches"/> set, a batch whose window passed while that many run waits
/// for one to end, and everything that arrived meanwhile goes with it (as Text Embeddings Inference's queue does).
/// </summary>
/// <remarks>
/// <para>
/// A caller that cancels stops waiting at once; the batch it joined still runs for the others. If a merged call fails
/// with an <see cref="ArgumentException"/> (one caller's bad input), each caller's inputs are retried alone, so one bad
/// request never fails its neighbours. Calls with other options, or as large as a batch, pass straight through.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public sealed class MicroBatchingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly MicroBatchingOptions _options;
    private readonly Dictionary<BatchKey, PendingQueue> _pending = [];
    private readonly Lock _gate = new();
    private long _order;
    private int _running;

    /// <summary>Wraps a generator.</summary>
    /// <param name="innerGenerator">The generator that runs the merged calls.</param>
    /// <param name="options">Window, batch size and concurrent batches; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    public MicroBatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, MicroBatchingOptions? options = null)
        : base(innerGenerator)
    {
        _options = options ?? new MicroBatchingOptions();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is null.</exception>
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] inputs = values.ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(values), $"values[{i}] is null; every input must be a string.");
            }
        }

        if (BatchKey.From(options) is not BatchKey key || inputs.Length == 0 || inputs.Length >= _options.MaxBatchSize)
        {
            return base.GenerateAsync(inputs, options, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var call = new PendingCall(inputs, options);
        List<List<PendingCall>> batches;
        PendingQueue? opened = null;
        lock (_gate)
        {
            if (!_pending.TryGetValue(key, out PendingQueue? queue))
            {
                _pending[key] = queue = opened = new PendingQueue(key, _order++);
            }

            queue.Calls.Add(call);
            queue.Inputs += inputs.Length;
            queue.Ready |= queue.Inputs >= _options.MaxBatchSize;
            batches = TakeReady();
        }

        Start(batches);

        if (opened is not null)
        {
            _ = OpenWindowAsync(opened);
        }

        return call.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The oldest queue that is ready (its window passed, or it holds a full batch), as one batch of at most
    /// <see cref="MicroBatchingOptions.MaxBatchSize"/> inputs, if fewer than <see cref="MicroBatchingOptions.MaxConcurrentBatches"/>
    /// batches run; the rest of that queue stays ready and goes next. Caller holds <see cref="_gate"/>.
    /// </summary>
    private List<PendingCall>? TakeNext()
    {
        if (_options.MaxConcurrentBatches is int limit && _running >= limit)
        {
            return null;
        }

        PendingQueue? next = null;
        foreach (PendingQueue queue in _pending.Values)
        {
            if (queue.Ready && (next is null || queue.Order < next.Order))
            {
                next = queue;
            }
        }

        if (next is null)
        {
            return null;
        }

        // At least one call, however large; then whole calls while they fit.
        int count = 0, inputs = 0;
        while (count < next.Calls.Count && (count == 0 || inputs + next.Calls[count].Inputs.Length <= _options.MaxBatchSize))
        {
            inputs += next.Calls[count++].Inputs.Length;
        }

        List<PendingCall> batch = next.Calls.GetRange(0, count);
        next.Calls.RemoveRange(0, count);
        next.Inputs -= inputs;
        if (next.Calls.Count == 0)
        {
            _ = _pending.Remove(next.Key);
        }

        _running++;
        return batch;
    }

    private async Task OpenWindowAsync(PendingQueue queue)
    {
        await Task.Delay(_options.Window).ConfigureAwait(false);
        List<List<PendingCall>> batches;
        lock (_gate)
        {
            queue.Ready = true;
            batches = TakeReady();
        }

        Start(batches);
    }

    /// <summary>Every batch that may start now. Caller holds <see cref="_gate"/>.</summary>
    private List<List<PendingCall>> TakeReady()
    {
        var batches = new List<List<PendingCall>>();
        while (TakeNext() is { } batch)
        {
            batches.Add(batch);
        }

        return batches;
    }

    private void Start(List<List<PendingCall>> batches)
    {
        foreach (List<PendingCall> batch in batches)
        {
            _ = RunAsync(batch);
        }
    }

    private async Task RunAsync(List<PendingCall> calls)
    {
        try
        {
            await RunCallsAsync(calls).ConfigureAwait(false);
        }
        finally
        {
            // The engine is free again: what waited meanwhile goes now, as one batch (per ready key).
            List<List<PendingCall>> next;
            lock (_gate)
            {
                _running--;
                next = TakeReady();
            }

            Start(next);
        }
    }

    private async Task RunCallsAsync(List<PendingCall> calls)
    {
        try
        {
            GeneratedEmbeddings<Embedding<float>> merged = await base.GenerateAsync(
                calls.SelectMany(c => c.Inputs).ToArray(), calls[0].Options, CancellationToken.None).ConfigureAwait(false);
            int offset = 0;
            foreach (PendingCall call in calls)
            {
                call.Completion.TrySetResult(Slice(merged, offset, call.Inputs.Length));
                offset += call.Inputs.Length;
            }
        }
        catch (ArgumentException) when (calls.Count > 1)
        {
            // One caller's input is bad: run each alone so only that caller sees the error.
            foreach (PendingCall call in calls)
            {
                await RunCallsAsync([call]).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            foreach (PendingCall call in calls)
            {
                call.Completion.TrySetException(ex);
            }
        }
    }

    private static GeneratedEmbeddings<Embedding<float>> Slice(GeneratedEmbeddings<Embedding<float>> merged, int offset, int count)
    {
        var slice = new GeneratedEmbeddings<Embedding<float>>(count);
        long tokens = 0;
        for (int i = offset; i < offset + count; i++)
        {
            slice.Add(merged[i]);
            if (merged[i].AdditionalProperties?.TryGetValue(EmbeddingGemmaGenerator.InputTokenCountPropertyName, out object? value) == true && value is int n)
            {
                tokens += n;
            }
        }

        if (merged.Usage is not null)
        {
            slice.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        }

        return slice;
    }

    /// <summary>The calls of one key that wait to run, oldest first.</summary>
    private sealed class PendingQueue(BatchKey key, long order)
    {
        public BatchKey Key { get; } = key;

        public long Order { get; } = order;

        public List<PendingCall> Calls { get; } = [];

        public int Inputs { get; set; }

        /// <summary>Gets or sets whether the queue may run: its window passed or it holds a full batch.</summary>
        public bool Ready { get; set; }
    }

    private sealed class PendingCall(string[] inputs, EmbeddingGenerationOptions? options)
    {
        public string[] Inputs { get; } = inputs;

        public EmbeddingGenerationOptions? Options { get; } = options;

        public TaskCompletionSource<GeneratedEmbeddings<Embedding<float>>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
