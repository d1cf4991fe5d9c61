using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>The transformers.js peer (<c>bench.mjs</c>) on the same folder and texts, in the same process run.</summary>
internal static class NodePeer
{
    /// <summary>The peer's timing, embeddings and the ids it ran (both in input order), and peak RSS of its node process.</summary>
    public sealed record Result(double LoadSeconds, double Seconds, float[][] Embeddings, int[][] Ids, long PeakRssBytes);

    /// <summary>The ids the peer would run for each prompted text (cut to <paramref name="maxLength"/> keeping <c>&lt;eos&gt;</c>), without its model.</summary>
    public static async Task<int[][]> TokenizeAsync(string model, string prompt, IReadOnlyList<string> texts, int maxLength)
    {
        using JsonDocument peer = await RunAsync(model, new { prompt, texts, maxLength, tokenizeOnly = true }).ConfigureAwait(false);
        return Ids(peer.RootElement);
    }

    /// <summary>The texts whose ids differ between the peer and ours (<paramref name="ours"/>, in input order).</summary>
    public static int[] Mismatches(int[][] peer, IReadOnlyList<int[]> ours) =>
        [.. Enumerable.Range(0, ours.Count).Where(i => !peer[i].AsSpan().SequenceEqual(ours[i]))];

    /// <summary>Runs the peer with the document prompt, length-sorted padded batches, and the model's token limit.</summary>
    public static async Task<Result> RunAsync(string model, string prompt, IReadOnlyList<string> texts, int batchSize, int? threads, int maxLength)
    {
        using JsonDocument peer = await RunAsync(model, new { prompt, batchSize, threads, texts, maxLength, textOnly = HasMediaEncoders(model) }).ConfigureAwait(false);
        JsonElement root = peer.RootElement;
        return new Result(
            root.GetProperty("loadSeconds").GetDouble(),
            root.GetProperty("seconds").GetDouble(),
            [.. root.GetProperty("embeddings").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetSingle()).ToArray())],
            Ids(root),
            root.GetProperty("peakRssBytes").GetInt64());
    }

    private static async Task<JsonDocument> RunAsync(string model, object request)
    {
        string work = Directory.CreateTempSubdirectory("skeg-bench-").FullName;
        try
        {
            string input = Path.Combine(work, "in.json"), output = Path.Combine(work, "out.json");
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(request)).ConfigureAwait(false);
            await NodeReference.RunScriptAsync("bench.mjs", Path.GetFullPath(model), input, output).ConfigureAwait(false);
            return JsonDocument.Parse(await File.ReadAllBytesAsync(output).ConfigureAwait(false));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static int[][] Ids(JsonElement root) =>
        [.. root.GetProperty("ids").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetInt32()).ToArray())];

    // A multimodal (EmbeddingGemma 2) folder: transformers.js must be told to load its text graph alone.
    private static bool HasMediaEncoders(string model)
    {
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(model, "config.json")));
        return config.RootElement.TryGetProperty("vision_config", out _) || config.RootElement.TryGetProperty("audio_config", out _);
    }
}
