using System.Diagnostics;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss.Bench;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Two-stage search through the connector's public API: one SQLite database of n records (768-d float vectors, dot
/// product) opened as a <see cref="FaissVectorStore"/> collection once per configuration (flat float, then binary first
/// pass with each multiplier, optionally the same with int8 rescoring vectors, SQ8 and a 128-d prefix), each query a <c>SearchAsync(vector, top: 10)</c> that
/// returns records. "single" = one query at a time; "concurrent" = all queries through
/// <see cref="Parallel.ForEachAsync{TSource}(IEnumerable{TSource}, ParallelOptions, Func{TSource, CancellationToken, ValueTask})"/>
/// at one per core (the connector has no multi-query search). "open s" = opening the collection until the first
/// search returned (the index is rebuilt from SQLite when the first pass changes). Recall@10 against exact float
/// search over the same vectors. The database is kept in dir and reused when it already holds n records.
/// Usage: FaissBench connector [n=200000] [queries=200] [synthetic|real] [dir|-] [multipliers=10,100] [extra=int8,sq8,prefix|none] [profile seconds=0]
/// </summary>
internal static class ConnectorTwoStage
{
    private const int D = 768;
    private const int K = 10;

    public static async Task RunAsync(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 200_000;
        int nq = args.Length > 1 ? int.Parse(args[1]) : 200;
        bool real = args.Length > 2 && args[2] == "real";
        string dir = args.Length > 3 && args[3] != "-" ? args[3] : Path.Combine(Path.GetTempPath(), $"connbench-{(real ? "real" : "synthetic")}-{n}");
        int[] multipliers = args.Length > 4 ? [.. args[4].Split(',').Select(int.Parse)] : [10, 100];
        string[] extras = args.Length > 5 && args[5] != "none" ? args[5].Split(',') : args.Length > 5 ? [] : ["sq8", "prefix"];
        double profileSeconds = args.Length > 6 ? double.Parse(args[6]) : 0;
        Directory.CreateDirectory(dir);
        Console.WriteLine($"connector: n={n} d={D} queries={nq} k={K} data={(real ? "real model outputs" : "synthetic")} cores={Environment.ProcessorCount} "
            + $"OpenMP threads={FaissIndex.ThreadCount} load {Load()}");

        float[] data, queries;
        if (real)
        {
            (data, queries) = RealModelVectors.Load(n);
            nq = Math.Min(nq, queries.Length / D);
            queries = queries[..(nq * D)];
        }
        else
        {
            var generator = new EmbeddingLikeVectors(new Random(2024));
            data = generator.Next(n);
            queries = generator.Next(nq);
        }

        long[] exact = Exact(data, queries, n, nq);
        string database = Path.Combine(dir, "bench.db");
        await Ingest(database, data, n).ConfigureAwait(false);

        Console.WriteLine("| configuration | open s | single q/s | single p50 ms | concurrent q/s | recall@10 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        if (profileSeconds > 0)
        {
            // Only the largest binary configuration, looping single queries (for perf record -p).
            await Measure(database, $"binary + float rescore ×{multipliers[^1]}", TwoStage(FaissFirstPass.Binary, multipliers[^1]), queries, nq, exact, profileSeconds).ConfigureAwait(false);
            return;
        }

        await Measure(database, "flat float (no two-stage)", null, queries, nq, exact, 0).ConfigureAwait(false);
        foreach (int multiplier in multipliers)
        {
            await Measure(database, $"binary + float rescore ×{multiplier}", TwoStage(FaissFirstPass.Binary, multiplier), queries, nq, exact, 0).ConfigureAwait(false);
        }

        if (extras.Contains("int8"))
        {
            // The first open quantizes the stored vectors into the int8 table (in "open s").
            foreach (int multiplier in multipliers)
            {
                await Measure(database, $"binary + int8 rescore ×{multiplier}", TwoStage(FaissFirstPass.Binary, multiplier, FaissRescoringVectors.Int8), queries, nq, exact, 0).ConfigureAwait(false);
            }
        }

        if (extras.Contains("sq8"))
        {
            await Measure(database, "SQ8 + float rescore ×4", TwoStage(FaissFirstPass.Int8, 4), queries, nq, exact, 0).ConfigureAwait(false);
        }

        if (extras.Contains("prefix"))
        {
            await Measure(database, "128-d prefix + 768-d rescore ×10", TwoStage(FaissFirstPass.MatryoshkaPrefix, 10), queries, nq, exact, 0).ConfigureAwait(false);
        }

        Console.WriteLine($"load at end {Load()}");
    }

    private static FaissTwoStageSearchOptions TwoStage(FaissFirstPass firstPass, int multiplier, FaissRescoringVectors rescoring = FaissRescoringVectors.Float32)
        => new() { FirstPass = firstPass, CandidateMultiplier = multiplier, PrefixDimensions = 128, RescoringVectors = rescoring };

    private static async Task Ingest(string database, float[] data, int n)
    {
        // A marker written after a complete ingest (a store opened only to probe would keep pooled connections to the
        // file this deletes).
        string marker = database + $".ingested-{n}";
        if (File.Exists(marker))
        {
            Console.Error.WriteLine($"connector: reusing {database} ({new FileInfo(database).Length / 1e9:F2} GB)");
            return;
        }

        string folder = Path.GetDirectoryName(database)!;
        Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var sw = Stopwatch.StartNew();
        using var store = new FaissVectorStore(database, new() { CollectionDefaults = new() { TwoStageSearch = TwoStage(FaissFirstPass.Binary, 10) } });
        var target = store.GetCollection<long, BenchRecord>("bench");
        await target.EnsureCollectionExistsAsync().ConfigureAwait(false);
        for (int start = 0; start < n; start += 10_000)
        {
            int count = Math.Min(10_000, n - start);
            var batch = new BenchRecord[count];
            for (int i = 0; i < count; i++)
            {
                batch[i] = new BenchRecord { Id = start + i, Vector = data.AsMemory((start + i) * D, D), Group = (start + i) % 10 };
            }

            await target.UpsertAsync(batch).ConfigureAwait(false);
            if ((start / 10_000) % 10 == 9)
            {
                Console.Error.WriteLine($"connector: ingested {start + count}/{n} in {sw.Elapsed.TotalSeconds:F0} s");
            }
        }

        await ((FaissCollection<long, BenchRecord>)target).SaveIndexAsync().ConfigureAwait(false);
        File.WriteAllText(marker, "");
        Console.Error.WriteLine($"connector: ingested {n} records in {sw.Elapsed.TotalSeconds:F0} s ({new FileInfo(database).Length / 1e9:F2} GB)");
    }

    private static async Task Measure(string database, string name, FaissTwoStageSearchOptions? twoStage, float[] queries, int nq, long[] exact, double profileSeconds)
    {
        var sw = Stopwatch.StartNew();
        using var store = new FaissVectorStore(database, new() { CollectionDefaults = new() { TwoStageSearch = twoStage } });
        var collection = store.GetCollection<long, BenchRecord>("bench");
        await collection.EnsureCollectionExistsAsync().ConfigureAwait(false);
        var found = new long[nq * K];
        await Search(collection, queries, 0, found).ConfigureAwait(false);
        double open = sw.Elapsed.TotalSeconds;

        if (profileSeconds > 0)
        {
            Console.Error.WriteLine($"connector: profiling pid {Environment.ProcessId} for {profileSeconds} s");
            sw.Restart();
            int loops = 0;
            while (sw.Elapsed.TotalSeconds < profileSeconds)
            {
                await Search(collection, queries, loops++ % nq, found).ConfigureAwait(false);
            }

            Console.Error.WriteLine($"connector: {loops / sw.Elapsed.TotalSeconds:F1} q/s while profiling");
            return;
        }

        // Single queries, one at a time (at most 60 s).
        var latencies = new List<double>();
        var single = Stopwatch.StartNew();
        for (int q = 0; q < nq && single.Elapsed.TotalSeconds < 60; q++)
        {
            var one = Stopwatch.StartNew();
            await Search(collection, queries, q, found).ConfigureAwait(false);
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }

        double singleQps = latencies.Count / single.Elapsed.TotalSeconds;
        latencies.Sort();

        sw.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, nq), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (q, _) => await Search(collection, queries, q, found).ConfigureAwait(false)).ConfigureAwait(false);
        double concurrentQps = nq / sw.Elapsed.TotalSeconds;

        Console.WriteLine($"| {name} | {open:F1} | {singleQps:F1} | {latencies[latencies.Count / 2]:F1} | {concurrentQps:F1} | {QuantizedSearch.Recall(exact, found, nq):F3} |");
        Console.Error.WriteLine($"  ({name}: {latencies.Count} single queries timed; load {Load()})");
    }

    private static async Task Search(VectorStoreCollection<long, BenchRecord> collection, float[] queries, int q, long[] found)
    {
        int i = 0;
        await foreach (var result in collection.SearchAsync((ReadOnlyMemory<float>)queries.AsMemory(q * D, D), K).ConfigureAwait(false))
        {
            found[q * K + i++] = result.Record.Id;
        }
    }

    private static long[] Exact(float[] data, float[] queries, int n, int nq)
    {
        using FaissIndex flat = FaissIndex.Create(D, "IDMap,Flat", innerProduct: true);
        flat.Add(data, [.. Enumerable.Range(0, n).Select(i => (long)i)]);
        var exact = new long[nq * K];
        flat.Search(queries, K, new float[nq * K], exact);
        return exact;
    }

    private static string Load() => QuantizedSearch.Load();
}

/// <summary>A record of the connector benchmark.</summary>
public sealed class BenchRecord
{
    [VectorStoreKey]
    public long Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public int Group { get; set; }

    [VectorStoreVector(768, DistanceFunction = DistanceFunction.DotProductSimilarity)]
    public ReadOnlyMemory<float> Vector { get; set; }
}
