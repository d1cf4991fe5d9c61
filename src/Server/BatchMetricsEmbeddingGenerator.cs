using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Sits under the micro-batcher, so it sees each merged batch: records its size, tokens and duration, in a span of its own,
/// and stamps the duration on each embedding (<see cref="InferenceSecondsPropertyName"/>), so each request, whatever batch
/// it joined, can tell its inference time from its time in the queue.
/// </summary>
internal sealed class BatchMetricsEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, ServerMetrics metrics)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    /// <summary>The key of <see cref="Embedding.AdditionalProperties"/> holding the seconds (a <see cref="double"/>) of the batch that embedded it.</summary>
    public const string InferenceSecondsPropertyName = "server_inference_seconds";

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<string> inputs = values as IReadOnlyCollection<string> ?? values.ToArray();
        using Activity? activity = ServerMetrics.Source.StartActivity("embeddinggemma.batch");
        activity?.SetTag("embeddinggemma.batch.size", inputs.Count);
        long started = Stopwatch.GetTimestamp();
        GeneratedEmbeddings<Embedding<float>> result = await base.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
        long tokens = result.Usage?.InputTokenCount ?? 0;
        activity?.SetTag("embeddinggemma.batch.tokens", tokens);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        metrics.RecordBatch(inputs.Count, tokens, elapsed);
        foreach (Embedding<float> embedding in result)
        {
            (embedding.AdditionalProperties ??= [])[InferenceSecondsPropertyName] = elapsed.TotalSeconds;
        }

        return result;
    }
}
