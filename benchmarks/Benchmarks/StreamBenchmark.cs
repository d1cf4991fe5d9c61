using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>
/// Embeds a lazily generated corpus through <c>GenerateStreamingAsync</c> and reports the process's peak memory: the
/// corpus is never held whole, so the peak must not grow with the document count.
/// </summary>
internal static class StreamBenchmark
{
    public static async Task RunAsync(string model, EmbeddingGemmaGeneratorOptions options, int count)
    {
        using var process = Process.GetCurrentProcess();
        var watch = Stopwatch.StartNew();
        using var generator = new EmbeddingGemmaGenerator(model, options);
        double loadSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();

        long tokens = 0;
        int done = 0;
        double checksum = 0;
        await foreach (Embedding<float> embedding in generator.GenerateStreamingAsync(
            ToAsync(BenchCorpus.Enumerate(count, seed: 7)), EmbeddingGemmaGenerationOptions.ForDocuments()))
        {
            tokens += (int)embedding.AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]!;
            checksum += embedding.Vector.Span[0];
            if (++done % 500 == 0)
            {
                process.Refresh();
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{done} docs, {tokens} tokens, {watch.Elapsed.TotalSeconds:F0} s, RSS {process.WorkingSet64 / 1_000_000} MB, peak {process.PeakWorkingSet64 / 1_000_000} MB"));
            }
        }

        process.Refresh();
        long modelBytes = new DirectoryInfo(Path.Combine(model, "onnx")).EnumerateFiles(options.Variant + ".onnx*").Sum(f => f.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream: {done} documents, {tokens} tokens in {watch.Elapsed.TotalSeconds:F0} s ({tokens / watch.Elapsed.TotalSeconds:F1} tokens/s; load {loadSeconds:F2} s; checksum {checksum:F3})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak memory: {process.PeakWorkingSet64 / 1_000_000} MB; model files {modelBytes / 1_000_000} MB; {(process.PeakWorkingSet64 - modelBytes) / 1_000_000} MB above (goal <= 400)"));
    }

    private static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> values)
    {
        foreach (string value in values)
        {
            yield return value;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
