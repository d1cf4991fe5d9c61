using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Embeds a request's inputs through the server's pipeline (micro-batched with concurrent requests) and applies the
/// over-long rule: a truncated input is refused with 413 unless truncation is allowed, and when it is, the response
/// lists the truncated inputs in its <c>X-Truncated-Inputs</c> header; truncation is never silent.
/// </summary>
internal static class Embedder
{
    /// <summary>The response header listing the indexes of truncated inputs, comma-separated.</summary>
    public const string TruncatedHeader = "X-Truncated-Inputs";

    public static async Task<GeneratedEmbeddings<Embedding<float>>> EmbedAsync(
        HttpContext context, ServerState state, EmbeddingGemmaGenerator model, IReadOnlyList<string> inputs, int? dimensions, string? promptName,
        bool truncate, string? truncationDirection, string name, string refusalHint, CancellationToken cancellationToken)
    {
        if (dimensions is < 1)
        {
            throw new ApiException(422, $"dimensions must be at least 1 (was {dimensions}).");
        }

        EmbeddingGenerationOptions options = Options(promptName, truncationDirection);
        options.Dimensions = dimensions;

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        GeneratedEmbeddings<Embedding<float>> embeddings = await state.Generator.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
        double total = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;

        // A request split over several batches ran them in turn: its inference time is the longest, the rest is waiting.
        double inference = embeddings.Max(e => e.AdditionalProperties?.TryGetValue(BatchMetricsEmbeddingGenerator.InferenceSecondsPropertyName, out object? seconds) == true && seconds is double d ? d : 0);
        double queue = Math.Max(0, total - inference);
        state.Metrics.RecordQueueAndInference(queue, inference);
        context.Response.Headers["x-queue-time"] = ((long)(queue * 1000)).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-inference-time"] = ((long)(inference * 1000)).ToString(CultureInfo.InvariantCulture);
        var truncated = new List<int>();
        for (int i = 0; i < embeddings.Count; i++)
        {
            AdditionalPropertiesDictionary? properties = embeddings[i].AdditionalProperties;
            if (properties?.TryGetValue(EmbeddingGemmaGenerator.TruncatedPropertyName, out object? flag) == true && flag is true or JsonElement { ValueKind: JsonValueKind.True })
            {
                truncated.Add(i);
            }

            if (properties?.TryGetValue(EmbeddingGemmaGenerator.InputTokenCountPropertyName, out object? count) == true && count is int n)
            {
                state.Metrics.RecordInputLength(n);
            }
        }

        ApplyTruncationRule(context, model, truncated, truncate, name, refusalHint);
        WriteComputeHeaders(context, inputs, embeddings.Usage?.InputTokenCount ?? 0);
        return embeddings;
    }

    /// <summary>The options of a request's prompt name and truncation direction (TEI's <c>Left</c> / <c>Right</c>, already checked).</summary>
    public static EmbeddingGenerationOptions Options(string? promptName, string? truncationDirection)
    {
        var options = new EmbeddingGenerationOptions();
        if (promptName is not null || truncationDirection is not null)
        {
            options.AdditionalProperties = [];
            if (promptName is not null)
            {
                options.AdditionalProperties[EmbeddingGemmaPropertyNames.PromptName] = promptName;
            }

            if (truncationDirection is not null)
            {
                options.AdditionalProperties[EmbeddingGemmaPropertyNames.TruncationDirection] = truncationDirection;
            }
        }

        return options;
    }

    /// <summary>
    /// TEI's <c>truncation_direction</c>: null when absent, else <c>right</c> or <c>left</c>.
    /// </summary>
    /// <exception cref="ApiException">422 for any other value.</exception>
    public static string? ReadTruncationDirection(string? value) => value switch
    {
        null => null,
        _ when value.Equals("right", StringComparison.OrdinalIgnoreCase) => "right",
        _ when value.Equals("left", StringComparison.OrdinalIgnoreCase) => "left",
        _ => throw new ApiException(422, $"truncation_direction '{value}' is not one of Right, Left."),
    };

    /// <summary>
    /// Refuses truncated inputs with 413 unless truncation is allowed; when it is, lists them in <see cref="TruncatedHeader"/> and logs them.
    /// </summary>
    /// <exception cref="ApiException">413: an input was truncated and <paramref name="truncate"/> is false.</exception>
    public static void ApplyTruncationRule(HttpContext context, EmbeddingGemmaGenerator model, IReadOnlyList<int> truncated, bool truncate, string name, string refusalHint)
    {
        if (truncated.Count == 0)
        {
            return;
        }

        if (!truncate)
        {
            throw new ApiException(413, $"{name}[{truncated[0]}] is longer than the model's {model.MaxTokens} tokens{(truncated.Count > 1 ? $" (and {truncated.Count - 1} more)" : "")}; {refusalHint}");
        }

        string indexes = string.Join(',', truncated.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        context.Response.Headers[TruncatedHeader] = indexes;
        ServerLog.Truncated(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SkEmbeddingGemma.AspNetCore.Requests"), name, indexes, model.MaxTokens);
    }

    /// <summary>TEI's <c>x-compute-tokens</c> and <c>x-compute-characters</c> headers.</summary>
    public static void WriteComputeHeaders(HttpContext context, IReadOnlyList<string> inputs, long tokens)
    {
        context.Response.Headers["x-compute-tokens"] = tokens.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-compute-characters"] = inputs.Sum(i => (long)i.Length).ToString(CultureInfo.InvariantCulture);
    }
}
