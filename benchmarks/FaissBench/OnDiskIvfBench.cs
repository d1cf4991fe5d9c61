using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// Issue 15's "beyond RAM" measurement: a collection with <see cref="FaissCollectionOptions.IvfListsOnDisk"/> built
/// through the connector in batches, then served, each step in a process under a memory limit (run-with-memory-limit.sh),
/// with recall@10 against exact float search computed beforehand by an unlimited process.
/// </summary>
/// <remarks>
/// Usage: FaissBench ondisk truth|build|serve DIR [n=500000] [queries=200] [lists=512] [nprobe=16,32,64].
/// truth: generates the n embedding-like 768-d vectors (<see cref="EmbeddingLikeVectors"/>, seed 15) and the queries
/// (the next vectors of the same generator), streams exact inner-product top-10 over them in batches, and writes
/// DIR/queries.f32 and DIR/truth.i64. build: regenerates the same vectors and upserts them in batches of 20,000 records
/// (the first batch trains the IVF) into DIR/store.db. serve: opens the store once per nprobe and reports recall@10 and
/// queries/s. Each step prints its peak RSS (VmHWM), which counts the lists pages mapped in at the time.
/// </remarks>
internal static class OnDiskIvfBench
{
    private const int Dimensions = 768;
    private const int Batch = 20_000;
    private const int Top = 10;

    public static void Run(string[] args)
    {
        string step = args[0];
        string dir = Path.GetFullPath(args[1]);
        int n = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500_000;
        int nq = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
        int lists = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 512;
        int[] probes = args.Length > 5 ? [.. args[5].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))] : [16, 32, 64];
        Directory.CreateDirectory(dir);
        Console.WriteLine($"ondisk {step}: n={n} d={Dimensions} queries={nq} lists={lists} cores={Environment.ProcessorCount} FAISS {FaissIndex.NativeVersion}");
        var clock = Stopwatch.StartNew();
        switch (step)
        {
            case "truth":
                Truth(dir, n, nq);
                break;
            case "build":
                BuildAsync(dir, n, lists).GetAwaiter().GetResult();
                break;
            case "serve":
                ServeAsync(dir, lists, probes).GetAwaiter().GetResult();
                break;
            default:
                throw new ArgumentException($"Unknown step '{step}' (truth, build or serve).", nameof(args));
        }

        Console.WriteLine($"ondisk {step}: {clock.Elapsed.TotalSeconds:F1} s, peak RSS (VmHWM) {PeakRssMiB()} MiB");
    }

    private static VectorStoreCollectionDefinition Definition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreVectorProperty("Vector", typeof(float[]), Dimensions) { IndexKind = IndexKind.IvfFlat, DistanceFunction = DistanceFunction.DotProductSimilarity },
        ],
    };

    private static FaissVectorStore Open(string dir, int lists, int nprobe) => new(
        Path.Combine(dir, "store.db"),
        new FaissVectorStoreOptions
        {
            CollectionDefaults = new FaissCollectionOptions
            {
                IvfListsOnDisk = true,
                IvfListCount = lists,
                IvfProbeCount = nprobe,

                // A snapshot writes every list: one at the end (dispose) rather than one per 10,000 records.
                SnapshotThreshold = int.MaxValue,
            },
        });

    /// <summary>Exact top-10 by inner product, streamed over batches of the data, with FAISS flat indexes per batch.</summary>
    private static void Truth(string dir, int n, int nq)
    {
        var generator = new EmbeddingLikeVectors(new Random(15));
        var batches = new List<float[]>();
        for (int start = 0; start < n; start += Batch)
        {
            batches.Add(generator.Next(Math.Min(Batch, n - start)));
        }

        float[] queries = generator.Next(nq);
        var best = new List<(float Score, long Id)>[nq];
        for (int q = 0; q < nq; q++)
        {
            best[q] = [];
        }

        long offset = 0;
        var distances = new float[nq * Top];
        var labels = new long[nq * Top];
        foreach (float[] batch in batches)
        {
            using FaissIndex flat = FaissIndex.Create(Dimensions, "IDMap,Flat", innerProduct: true);
            int count = batch.Length / Dimensions;
            flat.Add(batch, [.. Enumerable.Range(0, count).Select(i => offset + i)]);
            flat.Search(queries, Top, distances, labels);
            for (int q = 0; q < nq; q++)
            {
                for (int k = 0; k < Top; k++)
                {
                    best[q].Add((distances[(q * Top) + k], labels[(q * Top) + k]));
                }

                best[q] = [.. best[q].OrderByDescending(b => b.Score).Take(Top)];
            }

            offset += count;
        }

        File.WriteAllBytes(Path.Combine(dir, "queries.f32"), MemoryMarshal.AsBytes(queries.AsSpan()).ToArray());
        long[] truth = [.. best.SelectMany(b => b.Select(x => x.Id))];
        File.WriteAllBytes(Path.Combine(dir, "truth.i64"), MemoryMarshal.AsBytes(truth.AsSpan()).ToArray());
        Console.WriteLine($"truth: exact top-{Top} of {nq} queries over {offset} vectors ({(double)offset * Dimensions * sizeof(float) / (1 << 30):F2} GiB of float32)");
    }

    private static async Task BuildAsync(string dir, int n, int lists)
    {
        var generator = new EmbeddingLikeVectors(new Random(15));
        using FaissVectorStore store = Open(dir, lists, 16);
        var collection = store.GetDynamicCollection("docs", Definition());
        await collection.EnsureCollectionExistsAsync().ConfigureAwait(false);
        var write = Stopwatch.StartNew();
        for (int start = 0; start < n; start += Batch)
        {
            int count = Math.Min(Batch, n - start);
            float[] vectors = generator.Next(count);
            var records = new List<Dictionary<string, object?>>(count);
            for (int i = 0; i < count; i++)
            {
                records.Add(new() { ["Id"] = (long)(start + i), ["Vector"] = vectors.AsSpan(i * Dimensions, Dimensions).ToArray() });
            }

            await collection.UpsertAsync(records).ConfigureAwait(false);
            if ((start / Batch) % 5 == 0)
            {
                Console.WriteLine($"build: {start + count} records, {write.Elapsed.TotalSeconds:F0} s, RSS {CurrentRssMiB()} MiB");
            }
        }

        Console.WriteLine($"build: {n} records upserted in {write.Elapsed.TotalSeconds:F1} s ({n / write.Elapsed.TotalSeconds:F0} records/s, vectors generated in-process)");
        var save = Stopwatch.StartNew();
        await collection.SaveIndexAsync().ConfigureAwait(false);
        Console.WriteLine($"build: snapshot written in {save.Elapsed.TotalSeconds:F1} s; files: {Files(dir)}");
    }

    private static async Task ServeAsync(string dir, int lists, int[] probes)
    {
        float[] queries = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, "queries.f32"))).ToArray();
        long[] truth = MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(Path.Combine(dir, "truth.i64"))).ToArray();
        int nq = queries.Length / Dimensions;
        foreach (int nprobe in probes)
        {
            var open = Stopwatch.StartNew();
            using FaissVectorStore store = Open(dir, lists, nprobe);
            var collection = store.GetDynamicCollection("docs", Definition());

            // The first search opens the snapshot: its SHA-256 checked, the lists mapped read-only.
            await collection.SearchAsync(queries.AsSpan(0, Dimensions).ToArray(), Top).ToListAsync().ConfigureAwait(false);
            double openSeconds = open.Elapsed.TotalSeconds;
            var hits = 0;
            var serve = Stopwatch.StartNew();
            for (int q = 0; q < nq; q++)
            {
                var found = await collection.SearchAsync(queries.AsSpan(q * Dimensions, Dimensions).ToArray(), Top).ToListAsync().ConfigureAwait(false);
                var expected = truth.AsSpan(q * Top, Top).ToArray();
                hits += found.Count(r => expected.Contains((long)r.Record["Id"]!));
            }

            double seconds = serve.Elapsed.TotalSeconds;
            Console.WriteLine(
                $"serve: nprobe={nprobe,3}  recall@10 {(double)hits / (nq * Top):F3}  {nq / seconds,7:F1} q/s single-query (connector, cold then warm pages)  open+first {openSeconds:F1} s  RSS {CurrentRssMiB()} MiB");
        }
    }

    private static string Files(string dir)
        => string.Join(", ", Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / (double)(1 << 30):F2} GiB"));

    private static long PeakRssMiB() => StatusKiB("VmHWM:") / 1024;

    private static long CurrentRssMiB() => StatusKiB("VmRSS:") / 1024;

    private static long StatusKiB(string field)
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
