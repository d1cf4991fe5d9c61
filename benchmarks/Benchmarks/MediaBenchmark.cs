using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Onnx;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>
/// Images per second and audio seconds per second on an EmbeddingGemma 2 folder with its vision and audio encoders:
/// this library through <see cref="IEmbeddingGenerator{DataContent, Embedding}"/> against transformers.js
/// (<c>bench-media2.mjs</c>) on the same generated PNG and WAV files in the same run, no prompt on either side; the
/// largest difference between the two sides' embeddings is reported as a sanity check.
/// </summary>
internal static class MediaBenchmark
{
    // Landscape, portrait, square and wide photos: each resizes to its own patch grid under the soft-token budget.
    private static readonly (int Width, int Height)[] s_sizes = [(640, 480), (480, 640), (512, 512), (1024, 576)];

    public static async Task RunAsync(string model, EmbeddingGemmaGeneratorOptions options, int images, int clips, double clipSeconds, bool node)
    {
        string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
        using var folder = new TempFolder();
        string[] imageFiles = [.. Enumerable.Range(0, images).Select(i =>
            TestImages.Rgb(folder.Path, $"photo{i:D2}.png", s_sizes[i % s_sizes.Length].Width, s_sizes[i % s_sizes.Length].Height, seed: i + 1))];

        // 16 kHz mono 16-bit: no resampling, whose filters differ between the two sides by design.
        string[] clipFiles = [.. Enumerable.Range(0, clips).Select(i =>
        {
            string file = Path.Combine(folder.Path, $"clip{i:D2}.wav");
            File.WriteAllBytes(file, WavFileWriter.Encode(TestClips.Signal(16_000, 1, clipSeconds + (i * 0.1)), 1, 16_000, 16));
            return file;
        })];
        double audioSeconds = Enumerable.Range(0, clips).Sum(i => clipSeconds + (i * 0.1));
        string sizes = string.Join(", ", s_sizes.Take(Math.Max(1, Math.Min(images, s_sizes.Length))).Select(s => $"{s.Width}x{s.Height}"));
        Console.WriteLine($"inputs: {images} PNG photos ({sizes}, round robin), {clips} WAV clips of {F(clipSeconds, "F1")} to {F(clipSeconds + (Math.Max(clips - 1, 0) * 0.1), "F1")} s (16 kHz mono 16-bit, {F(audioSeconds, "F1")} s in all)");

        var load = Stopwatch.StartNew();
        using var generator = new EmbeddingGemmaGenerator(model, options);
        IEmbeddingGenerator<DataContent, Embedding<float>> media = generator;
        load.Stop();
        Console.WriteLine($"ours: load {F(load.Elapsed.TotalSeconds)} s (encoders load at first use, inside the warm-up)");

        (double ourImageSeconds, float[][] ourImages) = await TimeAsync(media, imageFiles, "image/png").ConfigureAwait(false);
        (double ourAudioSeconds, float[][] ourAudio) = await TimeAsync(media, clipFiles, "audio/wav").ConfigureAwait(false);
        int nonFinite = ourImages.Concat(ourAudio).Sum(v => v.Count(x => !float.IsFinite(x)));
        Console.WriteLine($"ours: {nonFinite} non-finite values; image 0 starts {string.Join(", ", ourImages.FirstOrDefault()?.Take(4).Select(x => F(x, "F5")) ?? [])}; "
            + $"images differ from image 0 by up to {ourImages.Skip(1).Select(v => v.Zip(ourImages[0]).Max(p => Math.Abs(p.First - p.Second))).DefaultIfEmpty(0).Max():E2}");
        Console.WriteLine($"ours: {F(images / ourImageSeconds)} images/s ({F(ourImageSeconds, "F1")} s), {F(audioSeconds / ourAudioSeconds, "F1")} audio s/s ({F(ourAudioSeconds, "F1")} s)");
        if (!node)
        {
            return;
        }

        string work = Directory.CreateTempSubdirectory("skeg-bench-media-").FullName;
        try
        {
            string input = Path.Combine(work, "in.json"), output = Path.Combine(work, "out.json");
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new
            {
                model = Path.GetFullPath(model),
                images = imageFiles,
                audio = clipFiles,
                threads = DefaultThreadCount.Resolve(options.IntraOpNumThreads),
            })).ConfigureAwait(false);
            await NodeReference.RunScriptAsync("bench-media2.mjs", NodeReference.WavefileDirectory, input, output).ConfigureAwait(false);
            using JsonDocument peer = JsonDocument.Parse(await File.ReadAllBytesAsync(output).ConfigureAwait(false));
            JsonElement root = peer.RootElement;
            double peerImageSeconds = root.GetProperty("imageSeconds").GetDouble(), peerAudioSeconds = root.GetProperty("audioSeconds").GetDouble();
            Console.WriteLine($"transformers.js: load {F(root.GetProperty("loadSeconds").GetDouble())} s, {F(images / peerImageSeconds)} images/s ({F(peerImageSeconds, "F1")} s), "
                + $"{F(audioSeconds / peerAudioSeconds, "F1")} audio s/s ({F(peerAudioSeconds, "F1")} s), peak RSS {F(root.GetProperty("peakRssBytes").GetInt64() / 1e9)} GB");
            Console.WriteLine($"ratio ours/transformers.js: images {F(peerImageSeconds / ourImageSeconds)}x, audio {F(peerAudioSeconds / ourAudioSeconds)}x");
            Console.WriteLine($"max |embedding difference|: images {MaxDifference(ourImages, root.GetProperty("imageEmbeddings")):E2}, audio {MaxDifference(ourAudio, root.GetProperty("audioEmbeddings")):E2}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // One call with every file, as an application embeds a folder; the first file once before, untimed, as the peer does.
    private static async Task<(double Seconds, float[][] Embeddings)> TimeAsync(IEmbeddingGenerator<DataContent, Embedding<float>> media, string[] files, string mediaType)
    {
        if (files.Length == 0)
        {
            return (0, []);
        }

        DataContent Read(string file) => new(File.ReadAllBytes(file), mediaType) { Name = Path.GetFileName(file) };
        _ = await media.GenerateAsync([Read(files[0])]).ConfigureAwait(false);

        // Reading the files is inside the time, as the peer's reading is inside its own.
        var stopwatch = Stopwatch.StartNew();
        GeneratedEmbeddings<Embedding<float>> embeddings = await media.GenerateAsync(files.Select(Read)).ConfigureAwait(false);
        stopwatch.Stop();
        return (stopwatch.Elapsed.TotalSeconds, [.. embeddings.Select(e => e.Vector.ToArray())]);
    }

    private static double MaxDifference(float[][] ours, JsonElement peer) =>
        ours.Zip(peer.EnumerateArray()).Max(p => p.First.Zip(p.Second.EnumerateArray()).Max(v => Math.Abs(v.First - v.Second.GetSingle())));
}
