using System.Diagnostics;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Issue 15's table: memory per vector, build time, single and batched queries/s and recall@10 against exact float
/// search for flat float, SQ8, binary flat, binary + float rescoring (×4, ×10), a 128-d prefix + 768-d rescoring and
/// HNSW float, on embedding-like vectors (<see cref="EmbeddingLikeVectors"/>). Rescoring reads the candidates' float
/// vectors from a float32 file on disk (positional reads, as the connector reads them from SQLite) and ranks them with
/// the connector's own <c>FaissRescorer</c>. Memory per vector is the index's serialized size over n.
/// With data "real", the vectors are the cached outputs of the full-size random-weight model
/// (<see cref="Bench.RealModelVectors"/>, made by <c>FaissBench embed</c>) instead of synthetic ones.
/// Usage: FaissBench quantized [n=100000] [queries=200] [hnsw=yes|no] [dir|-] [rescore multipliers=4,10] [all|rescore] [synthetic|real]
/// </summary>
internal static class QuantizedSearch
{
    private const int D = 768;
    private const int K = 10;

    public static void Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        int nq = args.Length > 1 ? int.Parse(args[1]) : 200;
        bool hnsw = args.Length <= 2 || args[2] != "no";
        bool keepDir = args.Length > 3 && args[3] != "-";
        string dir = keepDir ? args[3] : Path.Combine(Path.GetTempPath(), "quantbench-" + Environment.ProcessId);
        int[] multipliers = args.Length > 4 ? [.. args[4].Split(',').Select(int.Parse)] : [4, 10];
        bool all = args.Length <= 5 || args[5] != "rescore";
        bool real = args.Length > 6 && args[6] == "real";
        Directory.CreateDirectory(dir);
        Console.WriteLine($"data={(real ? "real model outputs" : "synthetic")} n={n} d={D} queries={nq} k={K} cores={Environment.ProcessorCount} OpenMP threads={FaissIndex.ThreadCount} "
            + $"FAISS {FaissIndex.NativeVersion} ({FaissLibraryResolver.LoadedFrom}) load {Load()}");

        var sw = Stopwatch.StartNew();
        float[] data, queries;
        if (real)
        {
            (data, queries) = Bench.RealModelVectors.Load(n);
            nq = Math.Min(nq, queries.Length / D);
            queries = queries[..(nq * D)];
        }
        else
        {
            var generator = new EmbeddingLikeVectors(new Random(2024));
            data = generator.Next(n);
            queries = generator.Next(nq);
        }
        long[] ids = [.. Enumerable.Range(0, n).Select(i => (long)i)];
        string vectorFile = Path.Combine(dir, "vectors.f32");
        using (var output = File.Create(vectorFile))
        {
            // In blocks: a span of more than 2 GB of bytes overflows.
            for (int start = 0; start < n; start += 65_536)
            {
                int rows = Math.Min(65_536, n - start);
                output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan(start * D, rows * D)));
            }
        }

        Console.WriteLine($"generated in {sw.Elapsed.TotalSeconds:F0} s; load {Load()}");

        long[] exact;
        using (FaissIndex flat = FaissIndex.Create(D, "IDMap,Flat", innerProduct: true))
        {
            flat.Add(data, ids);
            exact = new long[nq * K];
            flat.Search(queries, K, new float[nq * K], exact);
        }

        Console.WriteLine("| index | bytes/vector | build s | single q/s | batched q/s | recall@10 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        if (all)
        {
            Measure("flat float (IDMap,Flat)", dir, nq, exact, () => Float("IDMap,Flat", data, ids), null, queries, 0);
            Measure("SQ8 (IDMap,SQ8)", dir, nq, exact, () => Float("IDMap,SQ8", data, ids), null, queries, 0);
            Measure("binary flat", dir, nq, exact, () => Binary(data, ids), null, queries, 0);
        }

        using (var vectors = new FileStream(vectorFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess))
        {
            foreach (int multiplier in multipliers)
            {
                Measure($"binary + float rescore ×{multiplier}", dir, nq, exact, () => Binary(data, ids), vectors.SafeFileHandle, queries, multiplier);
            }

            if (all)
            {
                Measure("128-d prefix + 768-d rescore ×10", dir, nq, exact, () => Prefix(data, ids), vectors.SafeFileHandle, queries, 10);
            }
        }

        if (hnsw && all)
        {
            Measure("HNSW32 float (efC 64, efS 128)", dir, nq, exact, () => Float("IDMap,HNSW32", data, ids), null, queries, 0);
        }

        Console.WriteLine($"load at end {Load()}");
        if (!keepDir)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Measure(
        string name, string dir, int nq, long[] exact, Func<IFaissVectorIndex> build, Microsoft.Win32.SafeHandles.SafeFileHandle? rescore,
        float[] queries, int multiplier)
    {
        var sw = Stopwatch.StartNew();
        using IFaissVectorIndex index = build();
        double buildSeconds = sw.Elapsed.TotalSeconds;
        string file = Path.Combine(dir, "index.bin");
        index.Write(file);
        double bytesPerVector = new FileInfo(file).Length / (double)index.Count;
        File.Delete(file);

        int candidates = rescore is null ? K : K * multiplier;
        var found = new long[nq * K];

        // Single queries, one at a time (capped at 60 s for the slow ones).
        var single = Stopwatch.StartNew();
        int done = 0;
        for (; done < nq && single.Elapsed.TotalSeconds < 60; done++)
        {
            SearchOne(index, rescore, queries.AsSpan(done * D, D), candidates, found.AsSpan(done * K, K));
        }

        double singleQps = done / single.Elapsed.TotalSeconds;

        // One batch of all queries (the first pass batched; rescoring per query).
        sw.Restart();
        var distances = new float[nq * candidates];
        var labels = new long[nq * candidates];
        index.Search(queries, candidates, distances, labels, efSearch: 128);
        for (int q = 0; q < nq; q++)
        {
            long[] top = rescore is null
                ? labels.AsSpan(q * K, K).ToArray()
                : Rescore(rescore, queries.AsSpan(q * D, D).ToArray(), labels.AsSpan(q * candidates, candidates).ToArray());
            top.CopyTo(found.AsSpan(q * K, K));
        }

        double batchedQps = nq / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"| {name} | {bytesPerVector:F1} | {buildSeconds:F1} | {singleQps:F1} | {batchedQps:F1} | {Recall(exact, found, nq):F3} |");
        Console.Error.WriteLine($"  ({name}: {done} single queries timed; load {Load()})");
    }

    /// <summary>Recall@10: the share of each query's exact top 10 found, over all queries.</summary>
    internal static double Recall(long[] exact, long[] found, int nq)
    {
        int hits = 0;
        for (int q = 0; q < nq; q++)
        {
            hits += exact.AsSpan(q * K, K).ToArray().Intersect(found.AsSpan(q * K, K).ToArray()).Count();
        }

        return hits / (double)(nq * K);
    }

    private static void SearchOne(IFaissVectorIndex index, Microsoft.Win32.SafeHandles.SafeFileHandle? rescore, ReadOnlySpan<float> query, int candidates, Span<long> top)
    {
        var distances = new float[candidates];
        var labels = new long[candidates];
        index.Search(query, candidates, distances, labels, efSearch: 128);
        (rescore is null ? labels.AsSpan(0, K) : Rescore(rescore, query.ToArray(), labels)).CopyTo(top);
    }

    private static long[] Rescore(Microsoft.Win32.SafeHandles.SafeFileHandle vectors, float[] query, long[] candidates)
    {
        var rescorer = new FaissRescorer(query, FaissDistance.Named(DistanceFunction.DotProductSimilarity)!, candidates.Length);
        var vector = new float[D];
        foreach (long id in candidates)
        {
            if (id >= 0)
            {
                RandomAccess.Read(vectors, System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()), id * D * sizeof(float));
                rescorer.Add(id, vector);
            }
        }

        return [.. rescorer.Top(K).Select(h => h.Id)];
    }

    private static FaissIndex Float(string description, float[] data, long[] ids)
    {
        FaissIndex index = FaissIndex.Create(D, description, innerProduct: true);
        if (!index.IsTrained)
        {
            index.Train(data.AsSpan(0, Math.Min(ids.Length, 50_000) * D));
        }

        if (description.Contains("HNSW", StringComparison.Ordinal))
        {
            index.SetHnswEfConstruction(64);
            index.SetHnswEfSearch(128);
        }

        index.Add(data, ids);
        return index;
    }

    private static FaissBinaryIndex Binary(float[] data, long[] ids)
    {
        FaissBinaryIndex index = FaissBinaryIndex.Create(D, FaissBinaryIndexKind.Flat);
        for (int start = 0; start < ids.Length; start += 65_536)
        {
            int count = Math.Min(65_536, ids.Length - start);
            index.Add(data.AsSpan(start * D, count * D), ids.AsSpan(start, count));
        }

        return index;
    }

    private static FaissPrefixIndex Prefix(float[] data, long[] ids)
    {
        var index = new FaissPrefixIndex(FaissIndex.Create(128, "IDMap,Flat", innerProduct: true), D, normalize: true);
        for (int start = 0; start < ids.Length; start += 65_536)
        {
            int count = Math.Min(65_536, ids.Length - start);
            index.Add(data.AsSpan(start * D, count * D), ids.AsSpan(start, count));
        }

        return index;
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
