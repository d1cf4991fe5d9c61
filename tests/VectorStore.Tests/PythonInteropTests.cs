using System.Diagnostics;
using System.Globalization;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>Index files written by us are read by Debian's python3-faiss, and the reverse.</summary>
public sealed class PythonInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    internal static string RunPython(string script, params string[] args)
    {
        // Debian's python3-faiss lives in /usr/lib/python3/dist-packages: use the system interpreter.
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python failed ({process.ExitCode}): {error}");
        return output;
    }

    private static (long[] Labels, float[] Distances) Parse(string output)
    {
        string[] lines = output.Trim().Split('\n');
        return (
            lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray());
    }

    private const string SearchScript = """
        import sys, faiss, numpy as np
        index = faiss.read_index(sys.argv[1])
        q = np.array([float(v) for v in sys.argv[2].split(',')], dtype='float32').reshape(1, -1)
        D, I = index.search(q, 5)
        print(' '.join(str(int(i)) for i in I[0]))
        print(' '.join(repr(float(d)) for d in D[0]))
        """;

    [Theory]
    [InlineData("IDMap,Flat", true)]
    [InlineData("IDMap,HNSW16", true)]
    [InlineData("IDMap,SQ8", false)]
    public void Index_written_by_us_is_read_and_searched_by_python(string description, bool innerProduct)
    {
        var random = new Random(4);
        const int d = 16;
        float[] data = [.. Enumerable.Range(0, 200).SelectMany(_ => TestVectors.Random(random, d, normalize: true))];
        long[] ids = [.. Enumerable.Range(0, 200).Select(i => 10_000L + i)];
        float[] query = data.AsSpan(17 * d, d).ToArray();
        var labels = new long[5];
        var distances = new float[5];
        using (FaissIndex index = FaissIndex.Create(d, description, innerProduct))
        {
            if (!index.IsTrained)
            {
                index.Train(data);
            }

            index.Add(data, ids);
            index.Search(query, 5, distances, labels);
            index.Write(_temp.File("ours.index"));
        }

        (long[] pyLabels, float[] pyDistances) = Parse(RunPython(SearchScript, _temp.File("ours.index"), string.Join(',', query.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        Assert.Equal(labels, pyLabels);
        Assert.Equal(10_017L, pyLabels[0]);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(distances[i], pyDistances[i], 4);
        }
    }

    [Fact]
    public async Task Collection_snapshot_is_read_by_python()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, Hotel>("hotels");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Hotel.Sample());
        await collection.SaveIndexAsync();
        float[] query = [1, 0.5f, -0.25f, 0.1f];
        var ours = await collection.SearchAsync(query, 5).ToListAsync();
        (long[] _, float[] pyDistances) = Parse(RunPython(SearchScript, collection.IndexPath, string.Join(',', query.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        Assert.Equal(ours.Select(r => r.Score!.Value), pyDistances.Select(x => (double)x));
    }

    [Theory]
    [InlineData("IDMap,Flat")]
    [InlineData("IDMap,HNSW32")]
    [InlineData("IVF8,Flat")]
    public void Index_written_by_python_is_read_and_searched_by_us(string description)
    {
        const string script = """
            import sys, faiss, numpy as np
            rng = np.random.default_rng(3)
            x = rng.standard_normal((500, 12)).astype('float32')
            x /= np.linalg.norm(x, axis=1, keepdims=True)
            index = faiss.index_factory(12, sys.argv[2], faiss.METRIC_INNER_PRODUCT)
            index.train(x)
            index.add_with_ids(x, (np.arange(500) * 3 + 7).astype('int64'))
            faiss.write_index(index, sys.argv[1])
            if hasattr(index, 'nprobe'):
                index.nprobe = 8
            D, I = index.search(x[42:43], 5)
            print(' '.join(str(int(i)) for i in I[0]))
            print(' '.join(repr(float(d)) for d in D[0]))
            print(','.join(repr(float(v)) for v in x[42]))
            """;
        string output = RunPython(script, _temp.File("python.index"), description);
        (long[] pyLabels, float[] pyDistances) = Parse(output);
        float[] query = output.Trim().Split('\n')[2].Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        using FaissIndex index = FaissIndex.Read(_temp.File("python.index"));
        Assert.Equal(12, index.Dimension);
        Assert.Equal(500, index.Count);
        Assert.True(index.IsInnerProduct);
        var labels = new long[5];
        var distances = new float[5];
        index.Search(query, 5, distances, labels, nprobe: 8);
        Assert.Equal(pyLabels, labels);
        Assert.Equal(42 * 3 + 7, labels[0]);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(pyDistances[i], distances[i], 4);
        }
    }
}
