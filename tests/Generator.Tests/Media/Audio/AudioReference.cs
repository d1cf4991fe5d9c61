using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media.Audio;

/// <summary>One clip as transformers.js (audio2.mjs) reads and featurizes it.</summary>
public sealed record ReferenceClip(long Length, double[]? Samples, int Frames, float[] Features, bool[] Mask, int SoftTokens, float[]? AudioFeatures);

/// <summary>Runs <c>tests/TestSupport/node/audio2.mjs</c> on WAV files.</summary>
public static class AudioReference
{
    public static async Task<(IReadOnlyList<ReferenceClip> Clips, float[]? BatchFeatures)> ComputeAsync(
        IReadOnlyList<string> files, string? modelDirectory = null, bool samples = false)
    {
        (IReadOnlyList<ReferenceClip> clips, float[]? batch, _) = await RunAsync(files, modelDirectory, samples, null);
        return (clips, batch);
    }

    /// <summary>Embeds samples of text and clips (indices into <paramref name="files"/>) as transformers.js's processor and model do.</summary>
    public static async Task<IReadOnlyList<(int[] Ids, float[] Embedding)>> EmbedAsync(
        IReadOnlyList<string> files, string modelDirectory, IReadOnlyList<(string? Text, int[] Audio)> samples)
    {
        (_, _, IReadOnlyList<(int[], float[])>? embeddings) = await RunAsync(files, modelDirectory, false, samples);
        return embeddings!;
    }

    private static async Task<(IReadOnlyList<ReferenceClip> Clips, float[]? BatchFeatures, IReadOnlyList<(int[], float[])>? Embeddings)> RunAsync(
        IReadOnlyList<string> files, string? modelDirectory, bool samples, IReadOnlyList<(string? Text, int[] Audio)>? embed)
    {
        using var work = new TempFolder();
        string input = Path.Combine(work.Path, "input.json");
        string output = Path.Combine(work.Path, "output.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new
        {
            files = files.Select(Path.GetFullPath).ToArray(),
            model = modelDirectory is null ? null : Path.GetFullPath(modelDirectory),
            samples,
            embed = embed?.Select(e => new { text = e.Text, audio = e.Audio }).ToArray(),
        }));
        await NodeReference.RunScriptAsync("audio2.mjs", NodeReference.WavefileDirectory, input, output);

        using JsonDocument document = JsonDocument.Parse(await File.ReadAllBytesAsync(output));
        var clips = document.RootElement.GetProperty("clips").EnumerateArray().Select(c => new ReferenceClip(
            c.GetProperty("length").GetInt64(),
            c.TryGetProperty("samples", out JsonElement s) ? s.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null,
            c.GetProperty("frames").GetInt32(),
            Floats(c.GetProperty("features")),
            c.GetProperty("mask").EnumerateArray().Select(x => x.GetInt32() != 0).ToArray(),
            c.GetProperty("softTokens").GetInt32(),
            c.TryGetProperty("audioFeatures", out JsonElement f) ? Floats(f) : null)).ToArray();
        float[]? batch = document.RootElement.TryGetProperty("batchFeatures", out JsonElement b) ? Floats(b) : null;
        (int[], float[])[]? embeddings = document.RootElement.TryGetProperty("embeddings", out JsonElement e)
            ? [.. e.EnumerateArray().Select(x => (x.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).ToArray(), Floats(x.GetProperty("embedding"))))]
            : null;
        return (clips, batch, embeddings);
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(x => x.GetSingle()).ToArray();
}
