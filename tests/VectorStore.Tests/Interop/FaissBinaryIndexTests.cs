using System.Globalization;
using SkEmbeddingGemma.Quantization;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>The shim's FAISS binary indexes against brute-force Hamming distance, and against Debian's python3-faiss.</summary>
public sealed class FaissBinaryIndexTests : IDisposable
{
    private const int D = 64;
    private const int N = 400;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (float[] Data, long[] Ids) Data(int seed)
    {
        var random = new Random(seed);
        float[] data = [.. Enumerable.Range(0, N).SelectMany(_ => TestVectors.Random(random, D))];
        long[] ids = [.. Enumerable.Range(0, N).Select(i => 5_000L + (3 * i))];
        return (data, ids);
    }

    private static int[] BruteForce(float[] data, float[] query)
    {
        var q = EmbeddingQuantizer.ToBitArray(query);
        return [.. Enumerable.Range(0, N).Select(r =>
        {
            var bits = EmbeddingQuantizer.ToBitArray(data.AsSpan(r * D, D));
            return Enumerable.Range(0, D).Count(i => bits[i] != q[i]);
        })];
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Search_returns_the_exact_hamming_neighbours(int kindValue)
    {
        var kind = (FaissBinaryIndexKind)kindValue;
        (float[] data, long[] ids) = Data(1);
        using FaissBinaryIndex index = FaissBinaryIndex.Create(D, kind, kind == FaissBinaryIndexKind.Ivf ? 8 : 0);
        if (!index.IsTrained)
        {
            index.Train(data);
            index.SetSearchParameters(0, 8); // nprobe = every list: exact
        }

        index.Add(data, ids);
        Assert.Equal(N, index.Count);
        Assert.Equal(ids.Order(), index.GetIds().Order());

        float[] query = TestVectors.Random(new Random(9), D);
        int[] all = BruteForce(data, query);
        var distances = new float[10];
        var labels = new long[10];
        index.Search(query, 10, distances, labels);
        Assert.Equal(all.Order().Take(10).Select(x => (float)x), distances);
        Assert.All(labels.Zip(distances), p => Assert.Equal(all[(p.First - 5_000) / 3], (int)p.Second));

        // An include list ranks exactly its members; an exclusion list never returns an excluded id.
        long[] members = [.. ids.Where((_, i) => i % 9 == 0)];
        index.Search(query, 5, distances.AsSpan(0, 5), labels.AsSpan(0, 5), members, useSelector: true);
        Assert.Equal(members.Select(id => all[(id - 5_000) / 3]).Order().Take(5).Select(x => (float)x), distances.Take(5));
        Assert.All(labels.Take(5), id => Assert.Contains(id, members));
        index.Search(query, 10, distances, labels, labels[..3], useSelector: true, exclude: true);
        Assert.DoesNotContain(labels[0], labels[3..]);

        Assert.Equal(2, index.Remove([ids[0], ids[1]]));
        Assert.Equal(N - 2, index.Count);
    }

    [Fact]
    public void A_binary_index_written_by_us_is_read_by_python_which_queries_it_with_numpy_packbits()
    {
        (float[] data, long[] ids) = Data(2);
        string path = _temp.File("binary.index");
        float[] query = TestVectors.Random(new Random(3), D);
        var distances = new float[5];
        var labels = new long[5];
        using (FaissBinaryIndex index = FaissBinaryIndex.Create(D, FaissBinaryIndexKind.Flat))
        {
            index.Add(data, ids);
            index.Search(query, 5, distances, labels);
            index.Write(path);
        }

        using (FaissBinaryIndex reread = FaissBinaryIndex.Read(path))
        {
            var again = new long[5];
            reread.Search(query, 5, new float[5], again);
            Assert.Equal(labels, again);
        }

        // Python packs the float query itself as sentence-transformers' ubinary: same bits, same order, same answer.
        string output = PythonInteropTests.RunPython(
            """
            import sys, faiss, numpy as np
            index = faiss.read_index_binary(sys.argv[1])
            q = np.array([float(v) for v in sys.argv[2].split(',')], dtype='float32').reshape(1, -1)
            D, I = index.search(np.packbits(q > 0, axis=-1), 5)
            print(' '.join(str(int(i)) for i in I[0]))
            print(' '.join(str(int(d)) for d in D[0]))
            """,
            path, string.Join(',', query.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(distances.Select(v => (int)v), lines[1].Split(' ').Select(int.Parse));
        Assert.Equal(labels.Order(), lines[0].Split(' ').Select(long.Parse).Order());
    }
}
