using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

if (args.Length > 0 && args[0] == "ondisk")
{
    OnDiskIvfBench.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "embed")
{
    await SkEmbeddingGemma.VectorData.Faiss.Bench.RealModelVectors.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "connector")
{
    await ConnectorTwoStage.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "quantized")
{
    QuantizedSearch.Run(args[1..]);
    return;
}

// Usage: FaissBench quantized ... (issue 15's table, see QuantizedSearch) or FaissBench [n=100000] [d=768] [queries=200] [connector=yes|no] [indexes=IDMap,Flat;IDMap,SQ8;IDMap,HNSW32] [dir]
// With a dir, index files already there are read instead of built and the folder is kept: a second run with
// SKFAISS_LIBRARY=<other variant> then searches the very same indexes (data and queries are seeded, so identical).
int n = args.Length > 0 ? int.Parse(args[0]) : 100_000;
int d = args.Length > 1 ? int.Parse(args[1]) : 768;
int nq = args.Length > 2 ? int.Parse(args[2]) : 200;
bool connector = args.Length <= 3 || args[3] != "no";
string[] descriptions = args.Length > 4 ? args[4].Split(';') : ["IDMap,Flat", "IDMap,SQ8", "IDMap,HNSW32"];
bool keepDir = args.Length > 5;
string dir = keepDir ? Path.GetFullPath(args[5]) : Path.Combine(Path.GetTempPath(), "faissbench-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
Console.WriteLine($"n={n} d={d} queries={nq} cores={Environment.ProcessorCount} OpenMP threads={FaissIndex.ThreadCount} FAISS {FaissIndex.NativeVersion} ({FaissLibraryResolver.LoadedFrom})");

var random = new Random(1);
float[] data = RandomUnit(random, n, d);
float[] queries = RandomUnit(random, nq, d);
File.WriteAllBytes(Path.Combine(dir, "queries.f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(queries.AsSpan()).ToArray());
long[] ids = [.. Enumerable.Range(0, n).Select(i => (long)i)];

// Memory-bandwidth reference: one pass of dot products over all vectors (the floor for an exact flat query).
var scores = new float[n];
var scan = new List<double>();
for (int r = 0; r < 20; r++)
{
    var sw = Stopwatch.StartNew();
    Parallel.For(0, Environment.ProcessorCount, part =>
    {
        int per = (n + Environment.ProcessorCount - 1) / Environment.ProcessorCount;
        for (int i = part * per; i < Math.Min(n, (part + 1) * per); i++)
        {
            scores[i] = TensorPrimitives.Dot(data.AsSpan(i * d, d), queries.AsSpan(0, d));
        }
    });
    scan.Add(sw.Elapsed.TotalMilliseconds);
}

scan.Sort();
Console.WriteLine($"C# TensorPrimitives scan (all cores)  {scan[scan.Count / 2],8:F3} ms  ({(double)n * d * 4 / 1e6 / scan[scan.Count / 2]:F1} GB/s)");

var files = new List<string>();
foreach (string description in descriptions)
{
    string file = Path.Combine(dir, description.Replace(',', '_') + ".index");
    bool reuse = File.Exists(file);
    var sw = Stopwatch.StartNew();
    using FaissIndex index = reuse ? FaissIndex.Read(file) : Build(description, data, ids, d, n);
    double build = sw.Elapsed.TotalMilliseconds;
    var distances = new float[10 * 100];
    var labels = new long[10 * 100];
    var lat = new List<double>();
    for (int q = 0; q < nq; q++)
    {
        sw.Restart();
        index.Search(queries.AsSpan(q * d, d), 10, distances, labels, efSearch: 128);
        lat.Add(sw.Elapsed.TotalMilliseconds);
    }

    lat.Sort();
    int batch = Math.Min(100, nq);
    sw.Restart();
    index.Search(queries.AsSpan(0, batch * d), 10, distances, labels, efSearch: 128);
    double batched = sw.Elapsed.TotalMilliseconds / batch;
    Console.WriteLine($"shim   {description,-14} {(reuse ? "read " : "build")} {build,9:F0} ms | single p50 {lat[nq / 2],8:F3} ms p95 {lat[nq * 95 / 100],8:F3} ms | batched({batch}) {batched,8:F3} ms/query");
    if (!reuse)
    {
        index.Write(file);
    }

    files.Add(file);
}

var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "python_bench.py"), Path.Combine(dir, "queries.f32"), d.ToString(), .. files]) { RedirectStandardOutput = true })!;
Console.Write(await python.StandardOutput.ReadToEndAsync());
await python.WaitForExitAsync();

if (connector)
{
    var definition = new VectorStoreCollectionDefinition
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Group", typeof(int)),
            new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), d) { IndexKind = IndexKind.Flat },
        ],
    };
    using var store = new FaissVectorStore(Path.Combine(dir, "store.db"));
    var collection = store.GetDynamicCollection("bench", definition);
    await collection.EnsureCollectionExistsAsync();
    var sw = Stopwatch.StartNew();
    for (int start = 0; start < n; start += 5000)
    {
        await collection.UpsertAsync(Enumerable.Range(start, Math.Min(5000, n - start)).Select(i => new Dictionary<string, object?>
        {
            ["Id"] = (long)i, ["Group"] = i % 10, ["Vector"] = new ReadOnlyMemory<float>(data, i * d, d),
        }));
    }

    Console.WriteLine($"connector upsert {n} records (batches of 5000): {sw.Elapsed.TotalSeconds:F1} s");
    foreach ((string name, VectorSearchOptions<Dictionary<string, object?>>? options) in new[]
    {
        ("Flat", (VectorSearchOptions<Dictionary<string, object?>>?)null),
        ("Flat, filter 10%", new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => (int)r["Group"]! == 3 }),
    })
    {
        var lat = new List<double>();
        for (int q = 0; q < nq; q++)
        {
            sw.Restart();
            await foreach (var _ in collection.SearchAsync(new ReadOnlyMemory<float>(queries, q * d, d), 10, options))
            {
            }

            lat.Add(sw.Elapsed.TotalMilliseconds);
        }

        lat.Sort();
        Console.WriteLine($"connector SearchAsync {name,-18} single p50 {lat[nq / 2],8:F3} ms p95 {lat[nq * 95 / 100],8:F3} ms");
    }
}

if (!keepDir)
{
    Directory.Delete(dir, recursive: true);
}

static FaissIndex Build(string description, float[] data, long[] ids, int d, int n)
{
    FaissIndex index = FaissIndex.Create(d, description, innerProduct: true);
    if (!index.IsTrained)
    {
        index.Train(data.AsSpan(0, Math.Min(n, 50_000) * d));
    }

    if (description.Contains("HNSW", StringComparison.Ordinal))
    {
        index.SetHnswEfConstruction(64);
        index.SetHnswEfSearch(128);
    }

    index.Add(data, ids);
    return index;
}

static float[] RandomUnit(Random random, int count, int d)
{
    var x = new float[count * d];
    for (int i = 0; i < x.Length; i++)
    {
        x[i] = (float)(random.NextDouble() * 2 - 1);
    }

    for (int i = 0; i < count; i++)
    {
        Span<float> row = x.AsSpan(i * d, d);
        TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
    }

    return x;
}
