using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class FaissIndexTests
{
    [Fact]
    public void Native_library_reports_faiss_1_7_3()
    {
        Assert.Equal(new Version(1, 7, 3), FaissIndex.NativeVersion);
        Assert.NotNull(FaissLibraryResolver.LoadedFrom);
    }

    [Fact]
    public void Flat_inner_product_search_equals_brute_force()
    {
        var random = new Random(7);
        const int d = 32, n = 500;
        float[][] vectors = [.. Enumerable.Range(0, n).Select(_ => TestVectors.Random(random, d))];
        long[] ids = [.. Enumerable.Range(0, n).Select(i => 1000L + (i * 7))];
        using FaissIndex index = FaissIndex.Create(d, "IDMap,Flat", innerProduct: true);
        index.Add(vectors.SelectMany(v => v).ToArray(), ids);
        Assert.Equal(n, index.Count);

        float[] query = TestVectors.Random(random, d);
        var distances = new float[10];
        var labels = new long[10];
        index.Search(query, 10, distances, labels);

        var expected = ids.Zip(vectors).Select(p => (Id: p.First, Score: TestVectors.Dot(query, p.Second)))
            .OrderByDescending(p => p.Score).Take(10).ToList();
        Assert.Equal(expected.Select(e => e.Id), labels);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(expected[i].Score, distances[i], 4);
        }
    }

    [Fact]
    public void Batched_l2_search_returns_k_per_query()
    {
        var random = new Random(3);
        const int d = 8;
        float[] data = [.. Enumerable.Range(0, 100).SelectMany(_ => TestVectors.Random(random, d))];
        using FaissIndex index = FaissIndex.Create(d, "IDMap,Flat", innerProduct: false);
        index.Add(data, [.. Enumerable.Range(0, 100).Select(i => (long)i)]);
        var distances = new float[3 * 5];
        var labels = new long[3 * 5];
        index.Search(data.AsSpan(0, 3 * d), 5, distances, labels);
        for (int q = 0; q < 3; q++)
        {
            Assert.Equal(q, labels[q * 5]);
            Assert.Equal(0, distances[q * 5], 5);
        }
    }

    [Theory]
    [InlineData("IDMap,Flat")]
    [InlineData("IDMap,HNSW16")]
    [InlineData("IDMap,SQ8")]
    [InlineData("IVF4,Flat")]
    public void Selector_restricts_results_to_the_given_ids(string description)
    {
        var random = new Random(11);
        const int d = 16, n = 400;
        float[] data = [.. Enumerable.Range(0, n).SelectMany(_ => TestVectors.Random(random, d))];
        using FaissIndex index = FaissIndex.Create(d, description, innerProduct: true);
        if (!index.IsTrained)
        {
            index.Train(data);
        }

        index.Add(data, [.. Enumerable.Range(0, n).Select(i => (long)i)]);
        long[] allowed = [3, 77, 150, 299, 399];
        var distances = new float[5];
        var labels = new long[5];
        index.Search(data.AsSpan(0, d), 5, distances, labels, allowed, useSelector: true, nprobe: 4);
        Assert.Equal(allowed.Order(), labels.Order());

        index.Search(data.AsSpan(0, d), 5, distances, labels, [0, 1, 2], useSelector: true, exclude: true, nprobe: 4);
        Assert.DoesNotContain(0L, labels);
        Assert.All(labels, l => Assert.True(l >= 3));
    }

    [Fact]
    public void Remove_reconstruct_and_ids_round_trip()
    {
        using FaissIndex index = FaissIndex.Create(2, "IDMap,Flat", innerProduct: true);
        index.Add(new float[] { 1, 2, 3, 4, 5, 6 }, [10, 20, 30]);
        Assert.Equal(new float[] { 3, 4 }, index.Reconstruct(20));
        Assert.Equal(1, index.Remove([20, 99]));
        Assert.Equal([10L, 30L], index.GetIds());
        Assert.True(index.SupportsRemove);
    }

    [Fact]
    public void Hnsw_cannot_remove_and_the_error_carries_faiss_message()
    {
        using FaissIndex index = FaissIndex.Create(2, "IDMap,HNSW8", innerProduct: true);
        index.Add(new float[] { 1, 2 }, [1]);
        Assert.False(index.SupportsRemove);
        FaissException e = Assert.Throws<FaissException>(() => index.Remove([1]));
        Assert.Contains("not implemented", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(-1, e.ErrorCode);
    }

    [Fact]
    public void Invalid_factory_string_throws_with_faiss_message()
    {
        FaissException e = Assert.Throws<FaissException>(() => FaissIndex.Create(8, "NoSuchIndex42", innerProduct: true));
        Assert.Contains("NoSuchIndex42", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_missing_file_throws_with_faiss_message()
    {
        FaissException e = Assert.Throws<FaissException>(() => FaissIndex.Read("/nonexistent/dir/x.index"));
        Assert.Contains("x.index", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Untrained_ivf_add_throws()
    {
        using FaissIndex index = FaissIndex.Create(4, "IVF2,Flat", innerProduct: true);
        Assert.False(index.IsTrained);
        Assert.Throws<FaissException>(() => index.Add(new float[] { 1, 2, 3, 4 }, [1]));
    }

    [Fact]
    public void Write_and_read_round_trip()
    {
        using var temp = new TempDirectory();
        using (FaissIndex index = FaissIndex.Create(2, "IDMap,Flat", innerProduct: false))
        {
            index.Add(new float[] { 1, 0, 0, 1 }, [5, 6]);
            index.Write(temp.File("a.index"));
        }

        using FaissIndex read = FaissIndex.Read(temp.File("a.index"));
        Assert.False(read.IsInnerProduct);
        Assert.Equal(2, read.Dimension);
        Assert.Equal([5L, 6L], read.GetIds());
    }

    [Fact]
    public void Thread_count_can_be_set()
    {
        int before = FaissIndex.ThreadCount;
        FaissIndex.ThreadCount = 1;
        Assert.Equal(1, FaissIndex.ThreadCount);
        FaissIndex.ThreadCount = before;
        Assert.Throws<FaissException>(() => FaissIndex.ThreadCount = 0);
    }
}
