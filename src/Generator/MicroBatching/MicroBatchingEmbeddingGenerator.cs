using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.MicroBatching;

/// <summary>
/// Coalesces concurrent small calls (a server's single-text requests) into batched calls of the inner generator:
/// calls with the same prompt, title and dimensions that arrive within <see cref="MicroBatchingOptions.Window"/> run as
/// one batch, first come first served, and each caller gets its own embeddings and usage back.
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
    private readonly Dictionary<BatchKey, List<PendingCall>> _pending = [];
    private readonly Lock _gate = new();

    /// <summary>Wraps a generator.</summary>
    /// <param name="innerGenerator">The generator that runs the merged calls.</param>
    /// <param name="options">Window and batch size; null for the defaults.</param>
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
        List<PendingCall>? ready = null;
        bool first;
        lock (_gate)
        {
            if (!_pending.TryGetValue(key, out List<PendingCall>? queue))
            {
                _pending[key] = queue = [];
            }

            first = queue.Count == 0;
            queue.Add(call);
            if (queue.Sum(c => c.Inputs.Length) >= _options.MaxBatchSize)
            {
                ready = Take(key);
            }
        }

        if (ready is not null)
        {
            _ = RunAsync(ready);
        }
        else if (first)
        {
            _ = FlushAfterWindowAsync(key);
        }

        return call.Completion.Task.WaitAsync(cancellationToken);
    }

    private List<PendingCall>? Take(BatchKey key)
    {
        // Caller holds _gate.
        if (!_pending.Remove(key, out List<PendingCall>? calls) || calls.Count == 0)
        {
            return null;
        }

        return calls;
    }

    private async Task FlushAfterWindowAsync(BatchKey key)
    {
        await Task.Delay(_options.Window).ConfigureAwait(false);
        List<PendingCall>? calls;
        lock (_gate)
        {
            calls = Take(key);
        }

        if (calls is not null)
        {
            await RunAsync(calls).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(List<PendingCall> calls)
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
                await RunAsync([call]).ConfigureAwait(false);
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

    private sealed class PendingCall(string[] inputs, EmbeddingGenerationOptions? options)
    {
        public string[] Inputs { get; } = inputs;

        public EmbeddingGenerationOptions? Options { get; } = options;

        public TaskCompletionSource<GeneratedEmbeddings<Embedding<float>>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
