using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>The transformers.js peer (<c>bench.mjs</c>) on the same folder and texts, in the same process run.</summary>
internal static class NodePeer
{
    /// <summary>The peer's timing, embeddings in input order and peak RSS of its node process.</summary>
    public sealed record Result(double LoadSeconds, double Seconds, float[][] Embeddings, long PeakRssBytes);

    /// <summary>Runs the peer with the document prompt, length-sorted padded batches, and the model's token limit.</summary>
    public static async Task<Result> RunAsync(string model, string prompt, IReadOnlyList<string> texts, int batchSize, int? threads, int maxLength)
    {
        string work = Directory.CreateTempSubdirectory("skeg-bench-").FullName;
        try
        {
            string input = Path.Combine(work, "in.json"), output = Path.Combine(work, "out.json");
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { prompt, batchSize, threads, texts, maxLength, textOnly = HasMediaEncoders(model) })).ConfigureAwait(false);
            await NodeReference.RunScriptAsync("bench.mjs", Path.GetFullPath(model), input, output).ConfigureAwait(false);
            using JsonDocument peer = JsonDocument.Parse(await File.ReadAllBytesAsync(output).ConfigureAwait(false));
            JsonElement root = peer.RootElement;
            return new Result(
                root.GetProperty("loadSeconds").GetDouble(),
                root.GetProperty("seconds").GetDouble(),
                [.. root.GetProperty("embeddings").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetSingle()).ToArray())],
                root.GetProperty("peakRssBytes").GetInt64());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // A multimodal (EmbeddingGemma 2) folder: transformers.js must be told to load its text graph alone.
    private static bool HasMediaEncoders(string model)
    {
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(model, "config.json")));
        return config.RootElement.TryGetProperty("vision_config", out _) || config.RootElement.TryGetProperty("audio_config", out _);
    }
}
