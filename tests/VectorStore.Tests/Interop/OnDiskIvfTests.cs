using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>IVF indexes whose inverted lists live on disk: built in batches into a lists file, served memory-mapped.</summary>
public sealed class OnDiskIvfTests : IDisposable
{
    private const int D = 32;
    private const int N = 4000;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_ivf_built_in_batches_on_disk_and_memory_mapped_answers_as_the_in_memory_one()
    {
        var random = new Random(12);
        float[] data = [.. Enumerable.Range(0, N).SelectMany(_ => TestVectors.Random(random, D, normalize: true))];
        long[] ids = [.. Enumerable.Range(0, N).Select(i => 100L + i)];
        float[] queries = [.. Enumerable.Range(0, 20).SelectMany(_ => TestVectors.Random(random, D, normalize: true))];
        string indexPath = _temp.File("ivf.index");
        string listsPath = _temp.File("ivf.ivfdata");

        var expectedLabels = new long[20 * 10];
        var expectedDistances = new float[20 * 10];
        using (FaissIndex memory = FaissIndex.Create(D, "IVF32,Flat", innerProduct: true))
        using (FaissIndex disk = FaissIndex.Create(D, "IVF32,Flat", innerProduct: true))
        {
            memory.Train(data.AsSpan(0, 2000 * D));
            disk.Train(data.AsSpan(0, 2000 * D));
            memory.Add(data, ids);
            disk.MoveListsToDisk(listsPath);
            for (int start = 0; start < N; start += 500)
            {
                disk.Add(data.AsSpan(start * D, 500 * D), ids.AsSpan(start, 500));
            }

            Assert.Equal(N, disk.Count);
            Assert.True(new FileInfo(listsPath).Length >= (long)N * ((D * sizeof(float)) + sizeof(long)), "the lists are in the file");
            memory.Search(queries, 10, expectedDistances, expectedLabels, nprobe: 4);
            disk.Write(indexPath);
        }

        Assert.True(new FileInfo(indexPath).Length < (long)N * D * sizeof(float) / 4, "the index file holds the quantizer, not the lists");
        using FaissIndex mapped = FaissIndex.ReadMemoryMapped(indexPath);
        var labels = new long[20 * 10];
        var distances = new float[20 * 10];
        mapped.Search(queries, 10, distances, labels, nprobe: 4);
        Assert.Equal(expectedLabels, labels);
        Assert.Equal(expectedDistances, distances);
        Assert.Equal(ids.Order(), mapped.GetIds().Order());
    }

    [Fact]
    public void An_ordinary_ivf_file_serves_memory_mapped_and_misuse_is_refused()
    {
        var random = new Random(13);
        float[] data = [.. Enumerable.Range(0, 1000).SelectMany(_ => TestVectors.Random(random, D, normalize: true))];
        long[] ids = [.. Enumerable.Range(0, 1000).Select(i => (long)i)];
        string path = _temp.File("plain.index");
        var expected = new long[10];
        using (FaissIndex ivf = FaissIndex.Create(D, "IVF8,Flat", innerProduct: true))
        {
            ivf.Train(data);
            ivf.Add(data, ids);
            ivf.Search(data.AsSpan(0, D), 10, new float[10], expected, nprobe: 8);
            ivf.Write(path);

            // Lists move to disk only while the index is empty.
            Assert.Contains("empty", Assert.Throws<FaissException>(() => ivf.MoveListsToDisk(_temp.File("late.ivfdata"))).Message);
        }

        using FaissIndex mapped = FaissIndex.ReadMemoryMapped(path);
        var labels = new long[10];
        mapped.Search(data.AsSpan(0, D), 10, new float[10], labels, nprobe: 8);
        Assert.Equal(expected, labels);

        using FaissIndex flat = FaissIndex.Create(D, "IDMap,Flat", innerProduct: true);
        Assert.Contains("not an IVF", Assert.Throws<FaissException>(() => flat.MoveListsToDisk(_temp.File("x.ivfdata"))).Message);
    }
}
