// End-to-end benchmark on a full-size random-weight EmbeddingGemma (speed does not depend on weight values).
// Usage: dotnet run --project benchmarks/Benchmarks -c Release -- [--docs 200] [--queries 40] [--no-node] [--model DIR] [--threads N]
//        [--batch-size N] [--batch-tokens N] [--stream N] [--session] [--v2] [--long N] [--media [--images N] [--clips N] [--clip-seconds S]]
// --v2: the full-size EmbeddingGemma 2 text folder instead of EmbeddingGemma 300m (transformers.js runs its text graph).
// --long N: only one document of N tokens (at most the model's limit): time, tokens/s and peak RSS, then transformers.js
//           on the same text with our thread count (unless --no-node).
// --media: only EmbeddingGemma 2 images and audio on the full-size v2 folder with its encoders: images/s and audio s/s,
//          ours vs transformers.js on the same files (--images N photos at the default 280 soft tokens, --clips N WAV clips
//          of --clip-seconds S + 0.1 s each), and the largest embedding difference.
// --ids: only the token ids of the --docs corpus, ours against the peer's tokenizer (no model run); exit 1 when any differ.
// --stream N: only the streaming peak-memory run over N lazily generated documents.
// --session: only raw sessions on one 8x128 batch: threads, time per operator, optimized-copy load time.
// Everything is measured in one process run, so the ratios hold even when absolute numbers move between runs.
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma;
using SkEmbeddingGemma.Batching;
using SkEmbeddingGemma.Benchmarks;
using SkEmbeddingGemma.Onnx;
using SkEmbeddingGemma.TestSupport;

int docs = 200, queries = 40, stream = 0;
bool node = true, sessionOnly = false, v2 = false, media = false;
int mediaImages = 32, mediaClips = 10;
double clipSeconds = 10;
int longTokens = 0;
bool? arena = null, memPattern = null;
bool sameAsRequested = false, idsOnly = false;
string? model = null;
int? threads = null;
int batchSize = new EmbeddingGemmaGeneratorOptions().MaxBatchSize, batchTokens = new EmbeddingGemmaGeneratorOptions().MaxBatchTokens;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--docs": docs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--queries": queries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--no-node": node = false; break;
        case "--model": model = args[++i]; break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch-size": batchSize = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch-tokens": batchTokens = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--stream": stream = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--session": sessionOnly = true; break;
        case "--v2": v2 = true; break;
        case "--media": media = v2 = true; break;
        case "--images": mediaImages = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--clips": mediaClips = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--clip-seconds": clipSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--ids": idsOnly = true; break;
        case "--long": longTokens = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--arena": arena = args[++i] is "on" or "same"; sameAsRequested = args[i] == "same"; break;
        case "--mem-pattern": memPattern = args[++i] == "on"; break;
        default: Console.Error.WriteLine($"Unknown argument {args[i]}"); return 2;
    }
}

model ??= v2 ? TestModels.EnsureFullEmbeddingGemma2Model() : TestModels.EnsureFullModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
if (sessionOnly)
{
    SessionBenchmark.Run(model);
    return 0;
}

var options = new EmbeddingGemmaGeneratorOptions { IntraOpNumThreads = threads, MaxBatchSize = batchSize, MaxBatchTokens = batchTokens };
if (arena is not null || memPattern is not null)
{
    int? resolved = DefaultThreadCount.Resolve(threads);
    if (sameAsRequested)
    {
        // kSameAsRequested (1): the arena grows by what a run asks, not by doubling regions.
        using var arenaConfig = new OrtArenaCfg(0, 1, -1, -1);
        OrtEnv.Instance().CreateAndRegisterAllocator(OrtMemoryInfo.DefaultInstance, arenaConfig);
    }

    options.IntraOpNumThreads = null;
    options.SessionOptionsFactory = () =>
    {
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (resolved is int t) so.IntraOpNumThreads = t;
        if (arena is bool a) so.EnableCpuMemArena = a;
        if (memPattern is bool m) so.EnableMemoryPattern = m;
        if (sameAsRequested) so.AddSessionConfigEntry("session.use_env_allocators", "1");
        return so;
    };
}
if (media)
{
    await MediaBenchmark.RunAsync(model, options, mediaImages, mediaClips, clipSeconds, node);
    return 0;
}

if (longTokens > 0)
{
    await LongInputBenchmark.RunAsync(model, options, longTokens, node);
    return 0;
}

if (idsOnly)
{
    // Both tokenizers on the benchmark corpus, no model: a text whose ids differ cannot give the same embedding.
    using var tokenizer = new EmbeddingGemmaGenerator(model, options);
    string[] texts = BenchCorpus.Create(docs, seed: 7);
    IReadOnlyList<int[]> ourIds = tokenizer.Tokenize(texts, EmbeddingGemmaGenerationOptions.ForDocuments());
    int[][] peerIds = await NodePeer.TokenizeAsync(model, tokenizer.GetPrompt(EmbeddingGemmaPromptNames.Document), texts, tokenizer.MaxTokens);
    int[] differ = NodePeer.Mismatches(peerIds, ourIds);
    Console.WriteLine($"same ids for {docs - differ.Length} of {docs} documents{(differ.Length > 0 ? $"; first differing: document {differ[0]}, ours {ourIds[differ[0]].Length} ids, the peer's {peerIds[differ[0]].Length}" : "")}");
    return differ.Length == 0 ? 0 : 1;
}

if (stream > 0)
{
    await StreamBenchmark.RunAsync(model, options, stream);
    return 0;
}

string[] corpus = BenchCorpus.Create(docs, seed: 7);
var results = new List<(string Name, string Value)>();
void Report(string name, string value)
{
    results.Add((name, value));
    Console.WriteLine($"{name}: {value}");
}

string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

var load = Stopwatch.StartNew();
using var generator = new EmbeddingGemmaGenerator(model, options);
load.Stop();
Report("model load", $"{F(load.Elapsed.TotalSeconds, "F2")} s");
int? ourThreads = DefaultThreadCount.Resolve(options.IntraOpNumThreads);
Report("intra-op threads", $"{ourThreads?.ToString(CultureInfo.InvariantCulture) ?? "ONNX Runtime's choice"}{(options.IntraOpNumThreads is null ? " (default)" : "")}");

// Same ids and the same batches for both sides; the raw side gets them pre-built, outside its timing.
EmbeddingGenerationOptions documentOptions = EmbeddingGemmaGenerationOptions.ForDocuments();
IReadOnlyList<int[]> ids = generator.Tokenize(corpus, documentOptions);
long tokens = ids.Sum(x => (long)x.Length);
var session = (InferenceSession)generator.GetService(typeof(InferenceSession))!;
List<int[]> plan = BatchPlanner.Plan(ids.Select(x => x.Length).ToArray(), batchSize, batchTokens);
IReadOnlyList<ExtraInput> extraInputs = RawBatch.ExtraInputs(session, model);
var rawBatches = plan.Select(p => RawBatch.Create(p.Select(i => ids[i]).ToArray(), extraInputs)).ToArray();
Report("corpus", $"{docs} documents, {tokens} tokens (mean {F((double)tokens / docs)}), {plan.Count} batches");

_ = await generator.GenerateDocumentEmbeddingsAsync(corpus.Take(4));
double oursBest = double.MaxValue, rawBest = double.MaxValue;
GeneratedEmbeddings<Embedding<float>>? ours = null;
for (int round = 0; round < 2; round++)
{
    var watch = Stopwatch.StartNew();
    ours = await generator.GenerateDocumentEmbeddingsAsync(corpus);
    oursBest = Math.Min(oursBest, watch.Elapsed.TotalSeconds);

    watch.Restart();
    foreach (RawBatch batch in rawBatches)
    {
        batch.Run(session);
    }

    rawBest = Math.Min(rawBest, watch.Elapsed.TotalSeconds);
}

Report("SkEmbeddingGemma end to end", $"{F(docs / oursBest)} docs/s, {F(tokens / oursBest)} tokens/s ({F(oursBest, "F2")} s)");
Report("raw ONNX Runtime ceiling (same batches, pre-tokenized)", $"{F(docs / rawBest)} docs/s, {F(tokens / rawBest)} tokens/s ({F(rawBest, "F2")} s)");
Report("library overhead over the ceiling", $"{F((oursBest / rawBest - 1) * 100)} %");

// Single short query: the library call vs one raw run of the same ids.
string query = "Which planet is known as the Red Planet?";
var queryBatch = RawBatch.Create([generator.Tokenize([query], EmbeddingGemmaGenerationOptions.ForQuery())[0]], extraInputs);
var oursLatency = new List<double>();
var rawLatency = new List<double>();
for (int i = 0; i < queries; i++)
{
    var watch = Stopwatch.StartNew();
    _ = await generator.GenerateQueryEmbeddingAsync(query);
    oursLatency.Add(watch.Elapsed.TotalMilliseconds);
    watch.Restart();
    queryBatch.Run(session);
    rawLatency.Add(watch.Elapsed.TotalMilliseconds);
}

double P(List<double> values, double q) => values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Floor(q * values.Count)));
Report("short query latency p50 / p99", $"{F(P(oursLatency, 0.5), "F2")} / {F(P(oursLatency, 0.99), "F2")} ms (raw run {F(P(rawLatency, 0.5), "F2")} / {F(P(rawLatency, 0.99), "F2")} ms, p50 ratio {F(P(oursLatency, 0.5) / P(rawLatency, 0.5), "F3")})");

if (node)
{
    // The peer twice: as its users run it (onnxruntime-node's own thread count), then with our thread count, so the
    // table shows how much of the difference is threads.
    foreach (int? peerThreads in new[] { null, ourThreads }.Distinct())
    {
        NodePeer.Result peer = await NodePeer.RunAsync(model, generator.GetPrompt("document"), corpus, batchSize: 8, peerThreads, generator.MaxTokens);
        float minCosine = peer.Embeddings.Select((e, i) => TensorPrimitives.CosineSimilarity(e, ours![i].Vector.Span)).Min();
        int[] differ = NodePeer.Mismatches(peer.Ids, ids);
        string label = peerThreads is int t ? $"transformers.js, intraOpNumThreads {t}" : "transformers.js, its default threads";
        Report($"{label} (sorted batches of 8)", $"{F(docs / peer.Seconds)} docs/s, {F(tokens / peer.Seconds)} tokens/s ({F(peer.Seconds, "F2")} s; load {F(peer.LoadSeconds, "F2")} s; node peak RSS {peer.PeakRssBytes / 1_000_000} MB)");
        Report($"SkEmbeddingGemma / {label}", $"{F(peer.Seconds / oursBest, "F2")}x (same embeddings: min cosine {F(minCosine, "F6")}; same ids for {docs - differ.Length} of {docs} documents)");
    }
}

long modelBytes = new DirectoryInfo(Path.Combine(model, "onnx")).EnumerateFiles("model.onnx*").Sum(f => f.Length);
using var process = Process.GetCurrentProcess();
process.Refresh();
Report("peak memory", $"{process.PeakWorkingSet64 / 1_000_000} MB (model files {modelBytes / 1_000_000} MB, {F((process.PeakWorkingSet64 - modelBytes) / 1e6, "F0")} MB above)");
Console.WriteLine();
Console.WriteLine($"| measure ({Environment.ProcessorCount} cores, {RuntimeInformationText()}) | value |");
Console.WriteLine("| --- | --- |");
foreach ((string name, string value) in results)
{
    Console.WriteLine($"| {name} | {value} |");
}

foreach (RawBatch batch in rawBatches)
{
    batch.Dispose();
}

return 0;

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.OSDescription.Split(' ').First() + " " + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture;
