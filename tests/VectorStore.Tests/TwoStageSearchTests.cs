using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>Two-stage search: a binary, SQ8 or Matryoshka-prefix first pass, rescored exactly from SQLite.</summary>
public sealed class TwoStageSearchTests : IDisposable
{
    private const int Dimensions = 32;
    private const int Count = 240;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition(string? distance, string? indexKind = null) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Group", typeof(int)) { IsIndexed = true },
            new VectorStoreVectorProperty("Vector", typeof(float[]), Dimensions) { DistanceFunction = distance, IndexKind = indexKind },
        ],
    };

    private static FaissVectorStore Store(string database, FaissTwoStageSearchOptions? twoStage)
        => new(database, new FaissVectorStoreOptions { CollectionDefaults = new FaissCollectionOptions { TwoStageSearch = twoStage } });

    private static List<float[]> Vectors(int seed = 5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Count).Select(_ => TestVectors.Random(random, Dimensions)).ToList();
    }

    private static async Task<FaissCollection<object, Dictionary<string, object?>>> FillAsync(
        FaissVectorStore store, string name, string? distance, List<float[]> vectors, string? indexKind = null)
    {
        var collection = store.GetDynamicCollection(name, Definition(distance, indexKind));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(vectors.Select((v, i) => new Dictionary<string, object?> { ["Id"] = (long)i, ["Group"] = i % 5, ["Vector"] = v }));
        return collection;
    }

    private static List<(long Id, double Score)> Exact(List<float[]> vectors, float[] query, string? distance, int top, Func<int, bool>? where = null)
    {
        Func<float[], double> score = distance switch
        {
            DistanceFunction.CosineSimilarity => v => TestVectors.Cosine(query, v),
            DistanceFunction.EuclideanSquaredDistance => v => TestVectors.L2Squared(query, v),
            _ => v => TestVectors.Dot(query, v),
        };
        var scored = vectors.Select((v, i) => (Id: (long)i, Score: score(v))).Where(s => where?.Invoke((int)s.Id) ?? true);
        return (distance == DistanceFunction.EuclideanSquaredDistance ? scored.OrderBy(s => s.Score) : scored.OrderByDescending(s => s.Score))
            .Take(top).ToList();
    }

    public static TheoryData<FaissFirstPass, string?> Modes()
    {
        var data = new TheoryData<FaissFirstPass, string?>();
        foreach (FaissFirstPass pass in Enum.GetValues<FaissFirstPass>())
        {
            foreach (string? distance in new[] { DistanceFunction.DotProductSimilarity, DistanceFunction.CosineSimilarity, DistanceFunction.EuclideanSquaredDistance })
            {
                data.Add(pass, distance);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Candidates_covering_the_collection_give_exactly_the_float_ranking_and_scores(FaissFirstPass pass, string? distance)
    {
        List<float[]> vectors = Vectors();
        using FaissVectorStore store = Store(_temp.Database, new() { FirstPass = pass, CandidateMultiplier = Count / 10, PrefixDimensions = 8 });
        var collection = await FillAsync(store, "c", distance, vectors);
        foreach (int seed in new[] { 11, 12, 13 })
        {
            float[] query = TestVectors.Random(new Random(seed), Dimensions);
            var expected = Exact(vectors, query, distance, 10);
            var results = await collection.SearchAsync(query, 10).ToListAsync();
            Assert.Equal(expected.Select(e => e.Id), results.Select(r => (long)r.Record["Id"]!));
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Score, results[i].Score!.Value, 1e-5 * Math.Max(1, Math.Abs(expected[i].Score)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Filters_apply_to_every_first_pass(FaissFirstPass pass, string? distance)
    {
        List<float[]> vectors = Vectors(6);
        using FaissVectorStore store = Store(_temp.Database, new() { FirstPass = pass, CandidateMultiplier = Count / 5, PrefixDimensions = 8 });
        var collection = await FillAsync(store, "f", distance, vectors);
        float[] query = TestVectors.Random(new Random(21), Dimensions);
        var expected = Exact(vectors, query, distance, 5, i => i % 5 == 3);

        var options = new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => (int)r["Group"]! == 3 };
        var results = await collection.SearchAsync(query, 5, options).ToListAsync();
        Assert.Equal(expected.Select(e => e.Id), results.Select(r => (long)r.Record["Id"]!));
        Assert.All(results, r => Assert.Equal(3, (int)r.Record["Group"]!));
    }

    [Theory]
    [InlineData(IndexKind.Flat)]
    [InlineData(IndexKind.Hnsw)]
    [InlineData(IndexKind.IvfFlat)]
    public async Task A_binary_first_pass_with_a_small_multiplier_finds_a_stored_vector_first(string indexKind)
    {
        List<float[]> vectors = Vectors(7);
        using FaissVectorStore store = Store(_temp.Database, new() { FirstPass = FaissFirstPass.Binary, CandidateMultiplier = 4 });
        var collection = await FillAsync(store, "b", DistanceFunction.CosineSimilarity, vectors, indexKind);
        for (int i = 0; i < 20; i++)
        {
            var first = await collection.SearchAsync(vectors[i * 7], 3).FirstAsync();
            Assert.Equal((long)(i * 7), (long)first.Record["Id"]!);
            Assert.Equal(1.0, first.Score!.Value, 4);
        }
    }

    [Fact]
    public async Task A_snapshot_of_another_first_pass_is_not_loaded_after_the_options_change()
    {
        List<float[]> vectors = Vectors(8);
        float[] query = TestVectors.Random(new Random(31), Dimensions);
        using (FaissVectorStore store = Store(_temp.Database, new() { FirstPass = FaissFirstPass.Int8, CandidateMultiplier = 1 }))
        {
            var collection = await FillAsync(store, "s", DistanceFunction.DotProductSimilarity, vectors);
            await collection.SaveIndexAsync();
            Assert.True(File.Exists(collection.IndexPath));
        }

        // One exact float pass now: an SQ8 snapshot taken for exact would give approximate scores.
        using (FaissVectorStore store = Store(_temp.Database, null))
        {
            var collection = store.GetDynamicCollection("s", Definition(DistanceFunction.DotProductSimilarity));
            var results = await collection.SearchAsync(query, 10).ToListAsync();
            var expected = Exact(vectors, query, DistanceFunction.DotProductSimilarity, 10);
            Assert.Equal(expected.Select(e => e.Id), results.Select(r => (long)r.Record["Id"]!));
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Score, results[i].Score!.Value, 5);
            }
        }

        // And back to binary: its own snapshot is written and trusted on the next open.
        for (int open = 0; open < 2; open++)
        {
            using FaissVectorStore store = Store(_temp.Database, new() { FirstPass = FaissFirstPass.Binary, CandidateMultiplier = Count / 10 });
            var collection = store.GetDynamicCollection("s", Definition(DistanceFunction.DotProductSimilarity));
            var results = await collection.SearchAsync(query, 10).ToListAsync();
            Assert.Equal(Exact(vectors, query, DistanceFunction.DotProductSimilarity, 10).Select(e => e.Id), results.Select(r => (long)r.Record["Id"]!));
            await collection.SaveIndexAsync();
        }
    }

    [Fact]
    public void Invalid_two_stage_settings_are_refused_clearly()
    {
        using FaissVectorStore store = Store(_temp.Database, new() { FirstPass = FaissFirstPass.MatryoshkaPrefix, PrefixDimensions = Dimensions });
        var e = Assert.Throws<NotSupportedException>(() => store.GetDynamicCollection("p", Definition(null)));
        Assert.Contains("must be narrower", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaissTwoStageSearchOptions { CandidateMultiplier = 0 });

        using FaissVectorStore binary = Store(_temp.File("b.db"), new() { FirstPass = FaissFirstPass.Binary });
        var odd = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Id", typeof(long)), new VectorStoreVectorProperty("Vector", typeof(float[]), 12)],
        };
        Assert.Contains("multiple of 8", Assert.Throws<NotSupportedException>(() => binary.GetDynamicCollection("o", odd)).Message);
    }

    [Fact]
    public async Task Each_vector_property_of_a_record_has_its_own_first_pass_and_rescores_from_its_own_column()
    {
        // Two float properties (with transformed scores) get the binary first pass and exact rescoring each; the bit
        // property next to them is searched by Hamming distance, with no floats to rescore with.
        List<float[]> dense = Vectors(7), second = Vectors(8);
        using var store = Store(_temp.Database, new FaissTwoStageSearchOptions { FirstPass = FaissFirstPass.Binary, CandidateMultiplier = Count });
        var collection = store.GetDynamicCollection("multi", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(long)),
                new VectorStoreVectorProperty("Dense", typeof(float[]), Dimensions) { DistanceFunction = DistanceFunction.CosineDistance },
                new VectorStoreVectorProperty("Second", typeof(float[]), Dimensions) { DistanceFunction = DistanceFunction.EuclideanDistance, IndexKind = IndexKind.Hnsw },
                new VectorStoreVectorProperty("Bits", typeof(System.Collections.BitArray), Dimensions) { DistanceFunction = DistanceFunction.HammingDistance },
            ],
        });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(0, Count).Select(i => new Dictionary<string, object?>
        {
            ["Id"] = (long)i,
            ["Dense"] = dense[i],
            ["Second"] = second[i],
            ["Bits"] = new System.Collections.BitArray([.. dense[i].Select(x => x > 0)]),
        }));
        float[] query = TestVectors.Random(new Random(99), Dimensions);

        var byDense = await collection.SearchAsync(query, 5, new() { VectorProperty = r => r["Dense"] }).ToListAsync();
        var bySecond = await collection.SearchAsync(query, 5, new() { VectorProperty = r => r["Second"] }).ToListAsync();
        var byBits = await collection.SearchAsync(new System.Collections.BitArray([.. query.Select(x => x > 0)]), 5, new() { VectorProperty = r => r["Bits"] }).ToListAsync();

        var exactDense = Exact(dense, query, DistanceFunction.CosineSimilarity, 5);
        Assert.Equal(exactDense.Select(e => e.Id), byDense.Select(r => (long)r.Record["Id"]!));
        Assert.Equal(exactDense.Select(e => 1 - e.Score), byDense.Select(r => r.Score!.Value), (a, b) => Math.Abs(a - b) < 1e-4);
        var exactSecond = Exact(second, query, DistanceFunction.EuclideanSquaredDistance, 5);
        Assert.Equal(exactSecond.Select(e => e.Id), bySecond.Select(r => (long)r.Record["Id"]!));
        Assert.Equal(exactSecond.Select(e => Math.Sqrt(e.Score)), bySecond.Select(r => r.Score!.Value), (a, b) => Math.Abs(a - b) < 1e-3);
        var hamming = dense.Select((v, i) => (Id: (long)i, Score: (double)v.Zip(query).Count(p => p.First > 0 != p.Second > 0))).ToList();
        Assert.Equal(hamming.Min(h => h.Score), byBits[0].Score);
        Assert.All(byBits, r => Assert.Equal(hamming[(int)(long)r.Record["Id"]!].Score, r.Score));
        Assert.Equal(byBits.Select(r => r.Score), byBits.Select(r => r.Score).Order());
    }
}
