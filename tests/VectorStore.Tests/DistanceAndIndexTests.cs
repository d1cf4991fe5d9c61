using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class DistanceAndIndexTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FaissVectorStore _store;

    public DistanceAndIndexTests() => _store = new FaissVectorStore(_temp.Database);

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private static VectorStoreCollectionDefinition Definition(int dimensions, string? distance, string? indexKind) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Group", typeof(int)) { IsIndexed = true },
            new VectorStoreVectorProperty("Vector", typeof(float[]), dimensions) { DistanceFunction = distance, IndexKind = indexKind },
        ],
    };

    private async Task<(FaissCollection<object, Dictionary<string, object?>> Collection, List<float[]> Vectors)> CreateAsync(
        string name, int dimensions, int count, string? distance, string? indexKind, int seed = 1)
    {
        var collection = _store.GetDynamicCollection(name, Definition(dimensions, distance, indexKind));
        await collection.EnsureCollectionExistsAsync();
        var random = new Random(seed);
        var vectors = Enumerable.Range(0, count).Select(_ => TestVectors.Random(random, dimensions)).ToList();
        await collection.UpsertAsync(vectors.Select((v, i) => new Dictionary<string, object?> { ["Id"] = (long)i, ["Group"] = i % 7, ["Vector"] = v }));
        return (collection, vectors);
    }

    [Theory]
    [InlineData(DistanceFunction.DotProductSimilarity)]
    [InlineData(DistanceFunction.CosineSimilarity)]
    [InlineData(DistanceFunction.EuclideanSquaredDistance)]
    [InlineData(null)]
    public async Task Flat_search_equals_brute_force_with_exact_scores(string? distance)
    {
        var (collection, vectors) = await CreateAsync("flat", 24, 300, distance, IndexKind.Flat);
        float[] query = TestVectors.Random(new Random(99), 24);
        Func<float[], double> score = distance switch
        {
            DistanceFunction.CosineSimilarity => v => TestVectors.Cosine(query, v),
            DistanceFunction.EuclideanSquaredDistance => v => TestVectors.L2Squared(query, v),
            _ => v => TestVectors.Dot(query, v),
        };
        var scored = vectors.Select((v, i) => (Id: (long)i, Score: score(v)));
        var expected = (distance == DistanceFunction.EuclideanSquaredDistance ? scored.OrderBy(s => s.Score) : scored.OrderByDescending(s => s.Score)).Take(10).ToList();

        var results = await collection.SearchAsync(query, 10).ToListAsync();
        Assert.Equal(expected.Select(e => e.Id), results.Select(r => (long)r.Record["Id"]!));
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(expected[i].Score, results[i].Score!.Value, 4);
        }
    }

    [Fact]
    public async Task Exact_scores_on_known_vectors()
    {
        foreach ((string distance, double expected) in new[]
        {
            (DistanceFunction.DotProductSimilarity, 11.0), // (1,2)·(3,4)
            (DistanceFunction.CosineSimilarity, 11.0 / (Math.Sqrt(5) * 5)),
            (DistanceFunction.EuclideanSquaredDistance, 8.0), // (1-3)^2 + (2-4)^2
        })
        {
            var collection = _store.GetDynamicCollection("known_" + distance, Definition(2, distance, null));
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 1L, ["Group"] = 0, ["Vector"] = new float[] { 3, 4 } });
            var result = Assert.Single(await collection.SearchAsync(new float[] { 1, 2 }, 1).ToListAsync());
            Assert.Equal(expected, result.Score!.Value, 5);
        }
    }

    [Theory]
    [InlineData(DistanceFunction.ManhattanDistance)]
    [InlineData(DistanceFunction.HammingDistance)]
    public void Unsupported_distance_functions_throw_at_creation(string distance)
    {
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => _store.GetDynamicCollection("bad", Definition(4, distance, null)));
        Assert.Contains(distance, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IndexKind.DiskAnn)]
    [InlineData(IndexKind.Dynamic)]
    public void Unsupported_index_kinds_throw_at_creation(string indexKind)
    {
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => _store.GetDynamicCollection("bad", Definition(4, null, indexKind)));
        Assert.Contains(indexKind, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IndexKind.Flat)]
    [InlineData(IndexKind.Hnsw)]
    [InlineData(IndexKind.IvfFlat)]
    [InlineData(IndexKind.QuantizedFlat)]
    public async Task Index_kinds_find_each_vector_and_honour_filters_and_deletes(string indexKind)
    {
        var (collection, vectors) = await CreateAsync("kind", 32, 2000, DistanceFunction.CosineSimilarity, indexKind);
        int hits = 0;
        for (int i = 0; i < 50; i++)
        {
            var top = await collection.SearchAsync(vectors[i * 7], 1).ToListAsync();
            hits += (long)top[0].Record["Id"]! == i * 7 ? 1 : 0;
        }

        Assert.True(hits >= 48, $"{indexKind}: {hits}/50 self-hits");

        // Filter: all results match, and Top is filled with matches.
        var filtered = await collection.SearchAsync(vectors[0], 20, new() { Filter = r => (int)r["Group"]! == 3 }).ToListAsync();
        Assert.Equal(20, filtered.Count);
        Assert.All(filtered, r => Assert.Equal(3, (int)r.Record["Group"]!));

        // Deletes (tombstones for HNSW) never come back.
        await collection.DeleteAsync([.. Enumerable.Range(0, 100).Select(i => (object)(long)i)]);
        var after = await collection.SearchAsync(vectors[0], 50).ToListAsync();
        Assert.Equal(50, after.Count);
        Assert.All(after, r => Assert.True((long)r.Record["Id"]! >= 100));

        // Rebuild compacts and keeps results.
        await collection.RebuildIndexAsync();
        var rebuilt = await collection.SearchAsync(vectors[150], 1).ToListAsync();
        Assert.Equal(150L, rebuilt[0].Record["Id"]);
    }

    [Fact]
    public async Task Hnsw_recall_at_10_against_flat()
    {
        const int n = 5000, d = 64;
        // EmbeddingGemma vectors are unit length: inner-product HNSW on unnormalized random data is a MIPS problem HNSW handles badly.
        var (flat, vectors) = await CreateAsync("recall_flat", d, n, DistanceFunction.CosineSimilarity, IndexKind.Flat, seed: 5);
        var (hnsw, _) = await CreateAsync("recall_hnsw", d, n, DistanceFunction.CosineSimilarity, IndexKind.Hnsw, seed: 5);
        var random = new Random(6);
        double recall = 0;
        for (int q = 0; q < 20; q++)
        {
            float[] query = TestVectors.Random(random, d);
            var exact = (await flat.SearchAsync(query, 10).ToListAsync()).Select(r => r.Record["Id"]).ToHashSet();
            var approx = (await hnsw.SearchAsync(query, 10).ToListAsync()).Select(r => r.Record["Id"]);
            recall += approx.Count(exact.Contains) / 10.0;
        }

        Assert.True(recall / 20 >= 0.95, $"recall@10 = {recall / 20}");
    }
}
