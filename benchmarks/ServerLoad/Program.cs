// `embeddinggemma serve` under concurrent HTTP load on 127.0.0.1, against the in-process generator on the same inputs
// (same machine, same thread count), on a full-size random-weight EmbeddingGemma (speed does not depend on weight values).
// Usage: dotnet run --project benchmarks/ServerLoad -c Release -- [--model DIR] [--threads N] [--clients 1,8,32,128]
//        [--document-clients LIST (default: --clients; on a slow machine each document level takes at least N documents)]
//        [--seconds S | --requests N] [--workload queries|documents|both] [--docs N] [--doc-tokens N]
//        [--soak SECONDS] [--soak-clients N] [--sample-seconds S] [--server-arg ARG]... (passed to `serve`, e.g. --server-arg --max-concurrent-batches --server-arg 0)
//        [--cli PATH] (embeddinggemma.dll to serve with; default: src/Cli's Release build)
// Load: per workload, the in-process generator embeds all its inputs in one call (its own batching: the ceiling a
//       server can reach), for at least --seconds, then one input per call for --seconds (single-client latency); then the server process starts and each level of N closed-loop
//       clients runs for --seconds (or --requests in all), every client sending at least one request.
// --soak SECONDS: instead, sustained mixed load (a quarter of the clients send documents, the rest queries) with the
//       server's RSS sampled every --sample-seconds; start (ready, before load), peak and end RSS.
using System.Globalization;
using SkEmbeddingGemma;
using SkEmbeddingGemma.Benchmarks.ServerLoad;
using SkEmbeddingGemma.TestSupport;

string? model = null;
int? threads = null;
int[] levels = [1, 8, 32, 128];
int[]? documentLevels = null;
double seconds = 10, sampleSeconds = 5, soak = 0;
int? requests = null;
int docs = 32, docTokens = 500, soakClients = 32;
string workloads = "both";
var serverArgs = new List<string>();
string? cli = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--model": model = Next(); break;
        case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--clients": levels = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]; break;
        case "--document-clients": documentLevels = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]; break;
        case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--workload": workloads = Next(); break;
        case "--docs": docs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--doc-tokens": docTokens = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--soak": soak = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--soak-clients": soakClients = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--sample-seconds": sampleSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--server-arg": serverArgs.Add(Next()); break;
        case "--cli": cli = Path.GetFullPath(Next()); break;
        default: Console.Error.WriteLine($"Unknown argument {args[i]}"); return 2;
    }
}

if (workloads is not ("queries" or "documents" or "both"))
{
    Console.Error.WriteLine($"--workload '{workloads}': expected queries, documents or both.");
    return 2;
}

string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
string Mb(long bytes) => F(bytes / 1e6, "F0") + " MB";

model ??= TestModels.EnsureFullModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
Console.WriteLine($"model: {model}");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, load average {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"intra-op threads: {threads?.ToString(CultureInfo.InvariantCulture) ?? "default (resolved the same way in both processes)"}");

var generator = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions { IntraOpNumThreads = threads });
Workload queries = Workload.Queries(generator);
Workload documents = Workload.Documents(generator, docs, docTokens);
Workload[] chosen = workloads switch
{
    "queries" => [queries],
    "documents" => [documents],
    _ => [queries, documents],
};
foreach (Workload w in chosen)
{
    Console.WriteLine($"{w.Name}: {w.Inputs.Length} distinct inputs, mean {F(w.Tokens.Average())} tokens (prompt included)");
}

var inProcess = new Dictionary<Workload, (double Inputs, double Tokens)>();
if (soak <= 0)
{
    // The in-process ceiling first, while no server runs beside it.
    _ = await generator.GenerateAsync(queries.Inputs.Take(4), queries.Options);
    foreach (Workload w in chosen)
    {
        int inputs = 0;
        long tokens = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            _ = await generator.GenerateAsync(w.Inputs, w.Options);
            inputs += w.Inputs.Length;
            tokens += w.Tokens.Sum();
        }
        while (watch.Elapsed.TotalSeconds < seconds);

        double elapsed = watch.Elapsed.TotalSeconds;
        inProcess[w] = (inputs / elapsed, tokens / elapsed);
        Console.WriteLine($"in-process generator, {w.Name}, all {w.Inputs.Length} in one call: {F(inputs / elapsed)} inputs/s, {F(tokens / elapsed, "F0")} tokens/s ({F(elapsed, "F2")} s)");

        // One input per call, one call at a time: what a single HTTP client's latency is compared with.
        var latencies = new List<double>();
        watch.Restart();
        do
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            _ = await generator.GenerateAsync([w.Inputs[latencies.Count % w.Inputs.Length]], w.Options);
            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        while (watch.Elapsed.TotalSeconds < seconds);

        var single = new LoadRunner.Result(1, latencies.Count, 0, 0, watch.Elapsed.TotalSeconds, [.. latencies], null);
        Console.WriteLine($"in-process generator, {w.Name}, one input per call: {F(single.InputsPerSecond)} inputs/s, p50 {F(single.Percentile(0.5))} ms, p99 {F(single.Percentile(0.99))} ms ({single.Requests} calls)");
    }
}

// The server gets the cores to itself from here on; this process only sends requests.
generator.Dispose();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    Timeout = TimeSpan.FromMinutes(10),
};
var load = System.Diagnostics.Stopwatch.StartNew();
await using ServeProcess server = await ServeProcess.StartAsync(model, threads, serverArgs, cli, http);
Console.WriteLine($"server: pid {server.Id} at {server.BaseAddress}{(serverArgs.Count > 0 ? " (" + string.Join(' ', serverArgs) + ")" : "")}, ready (loaded and warmed up) in {F(load.Elapsed.TotalSeconds, "F2")} s, RSS {Mb(server.ResidentBytes())}");

// The .NET heap's share of the resident set, from the server's /metrics: the rest is native (ONNX Runtime, weights).
async Task<string> ManagedAsync()
{
    try
    {
        string metrics = await http.GetStringAsync(new Uri(server.BaseAddress, "/metrics"));
        string? line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_gc_committed_bytes ", StringComparison.Ordinal));
        return line is null ? "?" : Mb(long.Parse(line["dotnet_gc_committed_bytes ".Length..], CultureInfo.InvariantCulture));
    }
    catch (HttpRequestException)
    {
        return "?";
    }
}

using var sampling = new CancellationTokenSource();
var samples = new List<(double Seconds, long Bytes)>();
var clock = System.Diagnostics.Stopwatch.StartNew();
Task sampler = Task.Run(async () =>
{
    try
    {
        while (true)
        {
            long bytes = server.ResidentBytes();
            lock (samples)
            {
                samples.Add((clock.Elapsed.TotalSeconds, bytes));
            }

            await Task.Delay(TimeSpan.FromSeconds(sampleSeconds), sampling.Token);
        }
    }
    catch (OperationCanceledException)
    {
    }
});

if (soak > 0)
{
    int documentClients = Math.Max(1, soakClients / 4);
    Console.WriteLine($"soak: {F(soak, "F0")} s, {soakClients - documentClients} clients sending {queries.Name}, {documentClients} sending {documents.Name}, RSS every {F(sampleSeconds, "F0")} s");
    Task<LoadRunner.Result> q = LoadRunner.RunAsync(http, server.BaseAddress, queries, soakClients - documentClients, TimeSpan.FromSeconds(soak), null, CancellationToken.None);
    Task<LoadRunner.Result> d = LoadRunner.RunAsync(http, server.BaseAddress, documents, documentClients, TimeSpan.FromSeconds(soak), null, CancellationToken.None);
    double reported = 0;
    while (!Task.WhenAll(q, d).IsCompleted)
    {
        await Task.WhenAny(Task.WhenAll(q, d), Task.Delay(TimeSpan.FromSeconds(1)));
        string? line = null;
        lock (samples)
        {
            if (clock.Elapsed.TotalSeconds - reported >= 60)
            {
                reported = clock.Elapsed.TotalSeconds;
                line = $"  {F(reported, "F0")} s: RSS {Mb(samples[^1].Bytes)} (peak so far {Mb(samples.Max(s => s.Bytes))})";
            }
        }

        if (line is not null)
        {
            Console.WriteLine($"{line}, .NET heap committed {await ManagedAsync()}");
        }
    }

    foreach (LoadRunner.Result r in new[] { await q, await d })
    {
        Workload w = r == q.Result ? queries : documents;
        Console.WriteLine($"  {w.Name}: {r.Requests} requests in {F(r.Seconds, "F0")} s, {F(r.InputsPerSecond)} inputs/s, p50 {F(r.Percentile(0.5), "F0")} ms, p99 {F(r.Percentile(0.99), "F0")} ms, {r.Failures} failures{(r.FirstFailure is null ? "" : $" (first: {LoadRunner.Short(r.FirstFailure)})")}");
    }
}
else
{
    Console.WriteLine();
    Console.WriteLine("| workload | clients | requests | inputs/s | tokens/s | of in-process | p50 ms | p99 ms | p99/p50 | failures |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (Workload w in chosen)
    {
        foreach (int clients in w == documents ? documentLevels ?? levels : levels)
        {
            LoadRunner.Result r = await LoadRunner.RunAsync(http, server.BaseAddress, w, clients, TimeSpan.FromSeconds(seconds), requests, CancellationToken.None);
            double p50 = r.Percentile(0.5), p99 = r.Percentile(0.99);
            Console.WriteLine($"| {w.Name} | {clients} | {r.Requests} | {F(r.InputsPerSecond)} | {F(r.TokensPerSecond, "F0")} | {F(r.InputsPerSecond / inProcess[w].Inputs * 100, "F0")} % | {F(p50)} | {F(p99)} | {F(p99 / p50, "F2")} | {r.Failures} |");
            if (r.FirstFailure is not null)
            {
                Console.WriteLine($"  first failure: {LoadRunner.Short(r.FirstFailure)}");
            }
        }
    }

    Console.WriteLine();
}

await sampling.CancelAsync();
await sampler;
long startRss = samples[0].Bytes, peakRss = samples.Max(s => s.Bytes), endRss = server.ResidentBytes();
Console.WriteLine($"server RSS: start {Mb(startRss)}, peak {Mb(peakRss)}, end {Mb(endRss)} ({samples.Count} samples over {F(clock.Elapsed.TotalSeconds, "F0")} s)");
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;
