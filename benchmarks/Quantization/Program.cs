// Float32 vs the project's own int8 dynamic quantization (src/Quantizer OnnxDynamicQuantizer) on the full-size
// random-weight EmbeddingGemma: throughput, cosine to float32, file sizes, load times. All in one process with the runs
// interleaved, so the ratios hold on a loaded machine even when absolute numbers move.
// Usage: dotnet run --project benchmarks/Quantization -c Release -- [--rounds 3] [--texts 32] [--threads N] [--model DIR] [--keep]
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma;
using SkEmbeddingGemma.Quantization;
using SkEmbeddingGemma.TestSupport;

int rounds = 3, textCount = 32;
int? threads = null;
string? model = null;
bool keep = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--texts": textCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--model": model = args[++i]; break;
        case "--keep": keep = true; break;
        default: Console.Error.WriteLine($"Unknown argument {args[i]}"); return 2;
    }
}

model ??= TestModels.EnsureFullModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
string work = Path.Combine(Path.GetTempPath(), "skeg-quant-bench-" + Guid.NewGuid().ToString("N"));
var variants = new List<Variant> { new("fp32", "model", model) };
try
{
    // The quantized graphs go into a temp copy of the folder (tokenizer and configs; the float graph stays in the cache).
    foreach (string file in Directory.EnumerateFiles(model, "*", SearchOption.AllDirectories))
    {
        string relative = Path.GetRelativePath(model, file);
        if (!relative.StartsWith("onnx", StringComparison.Ordinal))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(work, relative))!);
            File.Copy(file, Path.Combine(work, relative));
        }
    }

    string floatGraph = Path.Combine(model, "onnx", "model.onnx");
    foreach ((string label, string name, QuantizedMatMulFormat format) in new[]
    {
        ("int8 DynamicQuantizeMatMul", "model_quantized", QuantizedMatMulFormat.DynamicQuantizeMatMul),
        ("int8 MatMulInteger", "model_matmulinteger", QuantizedMatMulFormat.MatMulInteger),
        ("4-bit MatMulNBits (block 32)", "model_q4", QuantizedMatMulFormat.MatMulNBits4),
    })
    {
        var stopwatch = Stopwatch.StartNew();
        QuantizationSummary summary = OnnxDynamicQuantizer.Quantize(floatGraph, Path.Combine(work, "onnx", name + ".onnx"), new OnnxDynamicQuantizerOptions { Format = format });
        Console.WriteLine(FormattableString.Invariant($"Quantized {name}: {summary.QuantizedMatMuls} MatMuls in {stopwatch.Elapsed.TotalSeconds:F1} s"));
        variants.Add(new Variant(label, name, work));
    }

    string[] texts = MixedTexts(textCount, seed: 11);
    foreach (Variant variant in variants)
    {
        variant.Open(threads);
        Console.WriteLine(FormattableString.Invariant($"Loaded {variant.Label} in {variant.LoadMs:F0} ms"));
    }

    var tokens = variants[0].Generator!.Tokenize(texts).Sum(t => t.Length);
    Console.WriteLine(FormattableString.Invariant($"{texts.Length} texts, {tokens} tokens; warming up"));
    foreach (Variant variant in variants)
    {
        variant.Embeddings = await variant.Embed(texts);
    }

    // Interleaved and rotated: round r starts with variant r, so drift in machine load spreads over all of them.
    for (int round = 0; round < rounds; round++)
    {
        for (int k = 0; k < variants.Count; k++)
        {
            Variant variant = variants[(round + k) % variants.Count];
            var stopwatch = Stopwatch.StartNew();
            await variant.Embed(texts);
            variant.Seconds.Add(stopwatch.Elapsed.TotalSeconds);
            Console.WriteLine(FormattableString.Invariant($"round {round + 1}: {variant.Label} {stopwatch.Elapsed.TotalSeconds:F2} s"));
        }
    }

    double floatMedian = Median(variants[0].Seconds);
    Console.WriteLine();
    Console.WriteLine(FormattableString.Invariant($"Full-size EmbeddingGemma (random weights), {texts.Length} texts of 8-300 words ({tokens} tokens), {rounds} interleaved rounds, ONNX Runtime threads: {threads?.ToString(CultureInfo.InvariantCulture) ?? "default"}, {Environment.ProcessorCount} logical cores."));
    Console.WriteLine();
    Console.WriteLine("| variant | .onnx + data | load | median s/pass | texts/s | tokens/s | speed-up vs fp32 | min cosine | mean cosine |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (Variant variant in variants)
    {
        double median = Median(variant.Seconds);
        float[] cosines = [.. variants[0].Embeddings!.Zip(variant.Embeddings!, (a, b) => TensorPrimitives.CosineSimilarity(a.Vector.Span, b.Vector.Span))];
        Console.WriteLine(FormattableString.Invariant(
            $"| {variant.Label} | {variant.Bytes / 1e6:F1} MB | {variant.LoadMs:F0} ms | {median:F2} | {texts.Length / median:F2} | {tokens / median:F0} | {floatMedian / median:F2}× | {cosines.Min():F5} | {cosines.Average():F5} |"));
    }

    return 0;
}
finally
{
    foreach (Variant variant in variants)
    {
        variant.Generator?.Dispose();
    }

    if (!keep && Directory.Exists(work))
    {
        Directory.Delete(work, recursive: true);
    }
}

static double Median(List<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

// Deterministic English-like texts, lengths spread evenly over 8..300 words and shuffled, so batches mix short and long.
static string[] MixedTexts(int count, int seed)
{
    string[] words =
    [
        "the", "model", "embedding", "vector", "search", "query", "document", "language", "retrieval", "semantic", "local", "fast",
        "runtime", "quantized", "weights", "integer", "float", "accuracy", "cosine", "similarity", "token", "sentence", "batch",
        "attention", "layer", "network", "memory", "compute", "throughput", "latency", "library", "index", "river", "mountain",
        "city", "history", "science", "music", "garden", "kitchen", "winter", "summer", "market", "price", "energy", "health",
        "of", "and", "to", "in", "is", "for", "with", "on", "that", "by", "as", "from", "at", "which", "we", "our", "their",
    ];
    var random = new Random(seed);
    var texts = new string[count];
    for (int i = 0; i < count; i++)
    {
        int length = 8 + (int)Math.Round((300 - 8) * (i / (double)Math.Max(1, count - 1)));
        texts[i] = string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)])) + ".";
    }

    random.Shuffle(texts);
    return texts;
}

internal sealed class Variant(string label, string name, string directory)
{
    public string Label { get; } = label;

    public EmbeddingGemmaGenerator? Generator { get; private set; }

    public double LoadMs { get; private set; }

    public long Bytes { get; } = Directory.EnumerateFiles(Path.Combine(directory, "onnx"), name + ".onnx*").Sum(f => new FileInfo(f).Length);

    public List<double> Seconds { get; } = [];

    public GeneratedEmbeddings<Embedding<float>>? Embeddings { get; set; }

    public void Open(int? threads)
    {
        var stopwatch = Stopwatch.StartNew();
        Generator = new EmbeddingGemmaGenerator(directory, new EmbeddingGemmaGeneratorOptions { Variant = name, IntraOpNumThreads = threads });
        LoadMs = stopwatch.Elapsed.TotalMilliseconds;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> Embed(string[] texts) => Generator!.GenerateAsync(texts);
}
