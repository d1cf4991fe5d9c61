using System.Collections;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// The MEVD conformance suite's distance-function scenario, for every distance function the connector supports on every
/// index kind: an exact match, an opposite and an orthogonal vector, with the scores and order the abstraction defines
/// (similarities descending, distances ascending), score thresholds in each function's direction, and the functions it
/// can't serve refused by name.
/// </summary>
public sealed class DistanceConformanceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FaissVectorStore _store;

    public DistanceConformanceTests() => _store = new FaissVectorStore(_temp.Database);

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    public sealed class SearchRecord
    {
        public int Key { get; set; }

        public int Int { get; set; }

        public ReadOnlyMemory<float> Vector { get; set; }
    }

    public static TheoryData<string, string, double, double, double, int[]> Cases()
    {
        // Scores of the base vector (1,0,0,0) against itself, its opposite (-1,0,0,0) and the orthogonal (0,-1,-1,0),
        // and the order of those three in the results: the conformance suite's expectations.
        var cases = new (string Distance, double Exact, double Opposite, double Orthogonal, int[] Order)[]
        {
            (DistanceFunction.CosineDistance, 0, 2, 1, [0, 2, 1]),
            (DistanceFunction.CosineSimilarity, 1, -1, 0, [0, 2, 1]),
            (DistanceFunction.DotProductSimilarity, 1, -1, 0, [0, 2, 1]),
            (DistanceFunction.NegativeDotProductSimilarity, -1, 1, 0, [0, 2, 1]),
            (DistanceFunction.EuclideanDistance, 0, 2, Math.Sqrt(3), [0, 2, 1]),
            (DistanceFunction.EuclideanSquaredDistance, 0, 4, 3, [0, 2, 1]),
        };
        var data = new TheoryData<string, string, double, double, double, int[]>();
        foreach (string indexKind in new[] { IndexKind.Flat, IndexKind.Hnsw, IndexKind.IvfFlat, IndexKind.QuantizedFlat })
        {
            foreach (var c in cases)
            {
                data.Add(c.Distance, indexKind, c.Exact, c.Opposite, c.Orthogonal, c.Order);
            }
        }

        return data;
    }

    private async Task<FaissCollection<int, SearchRecord>> SeedAsync(string distance, string indexKind)
    {
        var collection = _store.GetCollection<int, SearchRecord>($"{distance}_{indexKind}", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(SearchRecord.Key), typeof(int)),
                new VectorStoreDataProperty(nameof(SearchRecord.Int), typeof(int)),
                new VectorStoreVectorProperty(nameof(SearchRecord.Vector), typeof(ReadOnlyMemory<float>), 4) { DistanceFunction = distance, IndexKind = indexKind },
            ],
        });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new SearchRecord { Key = 1, Int = 1, Vector = new([1, 0, 0, 0]) },
            new SearchRecord { Key = 2, Int = 2, Vector = new([-1, 0, 0, 0]) },
            new SearchRecord { Key = 3, Int = 3, Vector = new([0, -1, -1, 0]) },
        ]);
        return collection;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scores_and_order_are_the_abstractions_for_every_distance_function_and_index_kind(
        string distance, string indexKind, double exact, double opposite, double orthogonal, int[] order)
    {
        var collection = await SeedAsync(distance, indexKind);
        double[] scores = [exact, opposite, orthogonal];

        var results = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 0, 0, 0]), top: 3).ToListAsync();

        Assert.Equal(order.Select(i => i + 1), results.Select(r => r.Record.Key));
        Assert.Equal(order.Select(i => i + 1), results.Select(r => r.Record.Int));

        // SQ8 stores each component in 8 bits, so its scores are close rather than exact.
        double tolerance = indexKind == IndexKind.QuantizedFlat ? 0.02 : 1e-5;
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(scores[order[i]] - results[i].Score!.Value) <= tolerance, $"{distance}/{indexKind} result {i}: {results[i].Score} vs {scores[order[i]]}");
        }
    }

    [Theory]
    [InlineData(DistanceFunction.CosineDistance, 1.0, new[] { 1, 3 })]
    [InlineData(DistanceFunction.CosineSimilarity, 0.0, new[] { 1, 3 })]
    [InlineData(DistanceFunction.DotProductSimilarity, 0.5, new[] { 1 })]
    [InlineData(DistanceFunction.NegativeDotProductSimilarity, 0.0, new[] { 1, 3 })]
    [InlineData(DistanceFunction.EuclideanDistance, 1.8, new[] { 1, 3 })]
    [InlineData(DistanceFunction.EuclideanSquaredDistance, 3.0, new[] { 1, 3 })]
    public async Task Score_threshold_keeps_results_on_the_better_side_in_each_functions_direction(string distance, double threshold, int[] expected)
    {
        var collection = await SeedAsync(distance, IndexKind.Flat);

        var results = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 0, 0, 0]), 3, new() { ScoreThreshold = threshold }).ToListAsync();

        Assert.Equal(expected, results.Select(r => r.Record.Key));
    }

    [Fact]
    public async Task Transformed_scores_are_exact_on_vectors_that_are_not_unit_length()
    {
        foreach ((string distance, double expected) in new[]
        {
            (DistanceFunction.NegativeDotProductSimilarity, -11.0), // -((1,2)·(3,4))
            (DistanceFunction.CosineDistance, 1 - (11 / (Math.Sqrt(5) * 5))),
            (DistanceFunction.EuclideanDistance, Math.Sqrt(8)), // sqrt((1-3)^2 + (2-4)^2)
        })
        {
            var collection = _store.GetDynamicCollection("known_" + distance, new VectorStoreCollectionDefinition
            {
                Properties = [new VectorStoreKeyProperty("Id", typeof(long)), new VectorStoreVectorProperty("Vector", typeof(float[]), 2) { DistanceFunction = distance }],
            });
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 1L, ["Vector"] = new float[] { 3, 4 } });
            var result = Assert.Single(await collection.SearchAsync(new float[] { 1, 2 }, 1).ToListAsync());
            Assert.Equal(expected, result.Score!.Value, 5);
        }
    }

    [Theory]
    [InlineData(DistanceFunction.ManhattanDistance)]
    [InlineData("NoSuchDistance")]
    public void Unsupported_distance_functions_are_refused_by_name(string distance)
    {
        var e = Assert.Throws<NotSupportedException>(() => _store.GetCollection<int, SearchRecord>("bad", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(SearchRecord.Key), typeof(int)),
                new VectorStoreVectorProperty(nameof(SearchRecord.Vector), typeof(ReadOnlyMemory<float>), 4) { DistanceFunction = distance },
            ],
        }));
        Assert.Contains($"Distance function '{distance}' of vector property 'Vector' is not supported by the FAISS connector", e.Message);
    }

    [Theory]
    [InlineData(IndexKind.Flat)]
    [InlineData(IndexKind.Hnsw)]
    public async Task HammingDistance_on_bit_vectors_scores_the_differing_bits_lower_first(string indexKind)
    {
        var collection = _store.GetDynamicCollection("hamming_" + indexKind, new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(long)),
                new VectorStoreVectorProperty("Vector", typeof(BitArray), 8) { DistanceFunction = DistanceFunction.HammingDistance, IndexKind = indexKind },
            ],
        });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new Dictionary<string, object?> { ["Id"] = 1L, ["Vector"] = Bits(0b1111_0000) },
            new Dictionary<string, object?> { ["Id"] = 2L, ["Vector"] = Bits(0b1111_0111) },
            new Dictionary<string, object?> { ["Id"] = 3L, ["Vector"] = Bits(0b0000_1111) },
        ]);

        var results = await collection.SearchAsync(Bits(0b1111_0001), 3).ToListAsync();

        Assert.Equal([1L, 2L, 3L], results.Select(r => (long)r.Record["Id"]!));
        Assert.Equal([1.0, 2.0, 7.0], results.Select(r => r.Score!.Value));
        var within = await collection.SearchAsync(Bits(0b1111_0001), 3, new() { ScoreThreshold = 2 }).ToListAsync();
        Assert.Equal([1L, 2L], within.Select(r => (long)r.Record["Id"]!));
    }

    [Fact]
    public void HammingDistance_on_float_vectors_is_refused_naming_the_property_and_the_bit_types()
    {
        var e = Assert.Throws<NotSupportedException>(() => _store.GetCollection<int, SearchRecord>("hamming_floats", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(SearchRecord.Key), typeof(int)),
                new VectorStoreVectorProperty(nameof(SearchRecord.Vector), typeof(ReadOnlyMemory<float>), 8) { DistanceFunction = DistanceFunction.HammingDistance },
            ],
        }));
        Assert.Contains("Distance function HammingDistance of vector property 'Vector' needs bit vectors (BinaryEmbedding, BitArray)", e.Message);
    }

    private static BitArray Bits(int pattern)
    {
        var bits = new BitArray(8);
        for (int i = 0; i < 8; i++)
        {
            bits[i] = (pattern & (0x80 >> i)) != 0;
        }

        return bits;
    }
}
