using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>Two-stage search rescoring from int8 copies of the vectors (<see cref="FaissRescoringVectors.Int8"/>).</summary>
public sealed class Int8RescoringTests : IDisposable
{
    private const int Dimensions = 32;
    private const int Count = 240;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition(string? distance) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Group", typeof(int)) { IsIndexed = true },
            new VectorStoreVectorProperty("Vector", typeof(float[]), Dimensions) { DistanceFunction = distance },
        ],
    };

    private static FaissVectorStore Store(string database, FaissFirstPass pass, FaissRescoringVectors rescoring, int multiplier = Count / 5)
        => new(database, new FaissVectorStoreOptions
        {
            CollectionDefaults = new FaissCollectionOptions
            {
                TwoStageSearch = new() { FirstPass = pass, CandidateMultiplier = multiplier, PrefixDimensions = 8, RescoringVectors = rescoring },
            },
        });

    private static List<float[]> Vectors(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Count).Select(_ => TestVectors.Random(random, Dimensions)).ToList();
    }

    private static async Task<FaissCollection<object, Dictionary<string, object?>>> FillAsync(FaissVectorStore store, string? distance, List<float[]> vectors, int first = 0)
    {
        var collection = store.GetDynamicCollection("c", Definition(distance));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(vectors.Select((v, i) => new Dictionary<string, object?> { ["Id"] = (long)(first + i), ["Group"] = (first + i) % 5, ["Vector"] = v }));
        return collection;
    }

    private static double Exact(float[] query, float[] vector, string? distance) => distance switch
    {
        DistanceFunction.CosineSimilarity => TestVectors.Cosine(query, vector),
        DistanceFunction.EuclideanSquaredDistance => TestVectors.L2Squared(query, vector),
        _ => TestVectors.Dot(query, vector),
    };

    private List<(long Id, byte[] Blob)> Int8Rows()
    {
        using var connection = new SqliteConnection($"Data Source={_temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT _fid, _vector FROM \"q8_c\" ORDER BY _fid";
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<(long, byte[])>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(TwoStageSearchTests.Modes), MemberType = typeof(TwoStageSearchTests))]
    public async Task Int8_copies_are_stored_and_rescore_to_the_dequantized_scores(FaissFirstPass pass, string? distance)
    {
        List<float[]> vectors = Vectors(5);
        using FaissVectorStore store = Store(_temp.Database, pass, FaissRescoringVectors.Int8, multiplier: Count / 10);
        var collection = await FillAsync(store, distance, vectors);

        // One row per record: a float32 scale (max |x| / 127) and one signed byte per dimension, x ≈ code × scale.
        var rows = Int8Rows();
        Assert.Equal(Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(4 + Dimensions, r.Blob.Length));
        foreach (int i in new[] { 0, 17, Count - 1 })
        {
            // The rows are in insertion order (FAISS ids ascend with it).
            byte[] blob = rows[i].Blob;
            float scale = BitConverter.ToSingle(blob, 0);
            Assert.Equal(vectors[i].Max(Math.Abs) / 127f, scale, 1e-6f);
            for (int d = 0; d < Dimensions; d++)
            {
                Assert.Equal(MathF.Round(vectors[i][d] / scale), (sbyte)blob[4 + d]);
            }
        }

        // The float32 vectors stay stored as they were.
        var stored = await collection.GetAsync(17L, new() { IncludeVectors = true });
        Assert.Equal(vectors[17], (float[])stored!["Vector"]!);

        float[] query = TestVectors.Random(new Random(11), Dimensions);
        var results = await collection.SearchAsync(query, 10).ToListAsync();
        var exact = vectors.Select((v, i) => (Id: (long)i, Score: Exact(query, v, distance))).ToList();
        var ordered = (distance == DistanceFunction.EuclideanSquaredDistance ? exact.OrderBy(e => e.Score) : exact.OrderByDescending(e => e.Score)).Take(10).ToList();

        // Approximate: the scores are the dequantized vectors', within int8's error of the exact ones, and the top 10
        // is the exact top 10 up to near ties.
        foreach (var result in results)
        {
            double expected = exact[(int)(long)result.Record["Id"]!].Score;
            Assert.Equal(expected, result.Score!.Value, 0.03 * Math.Max(1, Math.Abs(expected)));
        }

        Assert.True(ordered.Select(e => e.Id).Intersect(results.Select(r => (long)r.Record["Id"]!)).Count() >= 9);
    }

    [Theory]
    [MemberData(nameof(TwoStageSearchTests.Modes), MemberType = typeof(TwoStageSearchTests))]
    public async Task Filters_apply_with_int8_rescoring(FaissFirstPass pass, string? distance)
    {
        List<float[]> vectors = Vectors(6);
        using FaissVectorStore store = Store(_temp.Database, pass, FaissRescoringVectors.Int8);
        var collection = await FillAsync(store, distance, vectors);
        var options = new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => (int)r["Group"]! == 3 };

        // A stored vector of group 3 as the query is found first; everything found is in group 3.
        var results = await collection.SearchAsync(vectors[8], 5, options).ToListAsync();
        Assert.Equal(8L, (long)results[0].Record["Id"]!);
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal(3, (int)r.Record["Group"]!));
        var outside = await collection.SearchAsync(vectors[9], 5, options).ToListAsync();
        Assert.DoesNotContain(9L, outside.Select(r => (long)r.Record["Id"]!));
    }

    [Fact]
    public async Task Records_stored_without_int8_copies_are_backfilled_and_rescored_from_float32_meanwhile()
    {
        List<float[]> vectors = Vectors(7);
        float[] query = TestVectors.Random(new Random(12), Dimensions);
        using (FaissVectorStore plain = Store(_temp.Database, FaissFirstPass.Binary, FaissRescoringVectors.Float32))
        {
            await FillAsync(plain, DistanceFunction.DotProductSimilarity, vectors[..120]);
        }

        using (FaissVectorStore int8 = Store(_temp.Database, FaissFirstPass.Binary, FaissRescoringVectors.Int8, multiplier: Count))
        {
            // No int8 table yet: every candidate is scored from float32, exactly.
            var collection = int8.GetDynamicCollection("c", Definition(DistanceFunction.DotProductSimilarity));
            var first = await collection.SearchAsync(query, 3).ToListAsync();
            var exact = vectors[..120].Select((v, i) => (Id: (long)i, Score: TestVectors.Dot(query, v))).OrderByDescending(e => e.Score).Take(3).ToList();
            Assert.Equal(exact.Select(e => e.Id), first.Select(r => (long)r.Record["Id"]!));
            Assert.Equal(exact.Select(e => e.Score), first.Select(r => r.Score!.Value), (a, b) => Math.Abs(a - b) < 1e-5);

            // Opening it with the option quantizes the 120 stored vectors; new upserts write their copies.
            await collection.EnsureCollectionExistsAsync();
            Assert.Equal(120, Int8Rows().Count);
            await collection.UpsertAsync(vectors[120..].Select((v, i) => new Dictionary<string, object?> { ["Id"] = (long)(120 + i), ["Group"] = 0, ["Vector"] = v }));
            Assert.Equal(Count, Int8Rows().Count);

            // Deleting a record (or replacing its vector, which gives it a new row) drops its copy.
            await collection.DeleteAsync(5L);
            await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 6L, ["Group"] = 0, ["Vector"] = vectors[200] });
            Assert.Equal(Count - 1, Int8Rows().Count);
        }
    }

    [Fact]
    public async Task A_recreated_collection_never_rescores_with_the_dropped_ones_copies()
    {
        // FAISS ids restart when a collection is dropped, so copies left behind would be read for the new records
        // (here stored by an instance without the option, which writes no copies of its own).
        using FaissVectorStore int8 = Store(_temp.Database, FaissFirstPass.Binary, FaissRescoringVectors.Int8);
        var old = await FillAsync(int8, DistanceFunction.CosineSimilarity, Vectors(8));
        await old.EnsureCollectionDeletedAsync();
        List<float[]> fresh = Vectors(9);
        using (FaissVectorStore plain = Store(_temp.Database, FaissFirstPass.Binary, FaissRescoringVectors.Float32))
        {
            await FillAsync(plain, DistanceFunction.CosineSimilarity, fresh);
        }

        var collection = int8.GetDynamicCollection("c", Definition(DistanceFunction.CosineSimilarity));
        for (int i = 0; i < 10; i++)
        {
            var top = await collection.SearchAsync(fresh[i * 11], 1).SingleAsync();
            Assert.Equal((long)(i * 11), (long)top.Record["Id"]!);
            Assert.Equal(1.0, top.Score!.Value, 4);
        }
    }
}
