using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>
/// Embeds one document of a given token count (1 × N) and reports its time and the process's peak memory: attention
/// memory grows with the square of the length, so the longest input the model takes sets the peak.
/// </summary>
internal static class LongInputBenchmark
{
    public static async Task RunAsync(string model, EmbeddingGemmaGeneratorOptions options, int tokens, bool node)
    {
        using var process = Process.GetCurrentProcess();
        var cut = new EmbeddingGemmaGeneratorOptions
        {
            IntraOpNumThreads = options.IntraOpNumThreads,
            MaxBatchSize = options.MaxBatchSize,
            MaxBatchTokens = options.MaxBatchTokens,
            MaxTokens = tokens,
            SessionOptionsFactory = options.SessionOptionsFactory,
        };
        var watch = Stopwatch.StartNew();
        using var generator = new EmbeddingGemmaGenerator(model, cut);
        double loadSeconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        long afterLoad = process.PeakWorkingSet64;

        // Benchmark documents joined until the text fills the limit; the generator's own truncation (MaxTokens = N,
        // keeping <bos> ... <eos>) cuts it to exactly N tokens.
        EmbeddingGenerationOptions document = EmbeddingGemmaGenerationOptions.ForDocuments();
        var text = new System.Text.StringBuilder();
        foreach (string part in BenchCorpus.Enumerate(100_000, seed: 7))
        {
            text.Append(part).Append("\n\n");
            if (text.Length > tokens * 2 && generator.Tokenize([text.ToString()], document)[0].Length >= tokens)
            {
                break;
            }
        }

        watch.Restart();
        Embedding<float> embedding = await generator.GenerateDocumentEmbeddingAsync(text.ToString()).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        int used = (int)embedding.AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]!;
        process.Refresh();
        long modelBytes = new DirectoryInfo(Path.Combine(model, "onnx")).EnumerateFiles(options.Variant + ".onnx*").Sum(f => f.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"long input: 1 x {used} tokens in {seconds:F2} s ({used / seconds:F1} tokens/s; load {loadSeconds:F2} s; truncated {embedding.AdditionalProperties![EmbeddingGemmaGenerator.TruncatedPropertyName]})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak memory: {process.PeakWorkingSet64 / 1_000_000} MB (after load {afterLoad / 1_000_000} MB); model files {modelBytes / 1_000_000} MB; {(process.PeakWorkingSet64 - modelBytes) / 1_000_000} MB above"));

        // Whether the memory comes back: the resident set now, and a short input's latency after the long one.
        process.Refresh();
        long afterRun = process.WorkingSet64;
        watch.Restart();
        await generator.GenerateDocumentEmbeddingAsync("A short document about embeddings.").ConfigureAwait(false);
        double shortMs = watch.Elapsed.TotalMilliseconds;
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resident after the run: {afterRun / 1_000_000} MB; after a short input: {process.WorkingSet64 / 1_000_000} MB (its latency {shortMs:F1} ms)"));

        if (node)
        {
            // The peer with our thread count (its default is one core here, which would only show threads), the same
            // prompted text cut at the same limit.
            int? threads = Onnx.DefaultThreadCount.Resolve(options.IntraOpNumThreads);
            NodePeer.Result peer = await NodePeer.RunAsync(model, generator.GetPrompt(EmbeddingGemmaPromptNames.Document), [text.ToString()], batchSize: 1, threads, tokens).ConfigureAwait(false);
            float cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(peer.Embeddings[0], embedding.Vector.Span);
            bool sameIds = NodePeer.Mismatches(peer.Ids, generator.Tokenize([text.ToString()], document)).Length == 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"transformers.js (intraOpNumThreads {threads}): 1 x {tokens} in {peer.Seconds:F2} s ({tokens / peer.Seconds:F1} tokens/s; load {peer.LoadSeconds:F2} s); node peak RSS {peer.PeakRssBytes / 1_000_000} MB; SkEmbeddingGemma / transformers.js {peer.Seconds / seconds:F2}x; cosine {cosine:F6}; same ids {sameIds}"));
        }
    }
}
