using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>A collection keeps the definition it was created with; every operation of an instance opened with another one is refused.</summary>
public sealed class DefinitionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition(
        string distance = DistanceFunction.CosineSimilarity, int dimensions = 4, string indexKind = IndexKind.Flat, Type? keyType = null, bool extra = false)
    {
        var properties = new List<VectorStoreProperty>
        {
            new VectorStoreKeyProperty("Id", keyType ?? typeof(long)),
            new VectorStoreDataProperty("Text", typeof(string)),
            new VectorStoreVectorProperty("Vector", typeof(float[]), dimensions) { DistanceFunction = distance, IndexKind = indexKind },
        };
        if (extra)
        {
            properties.Add(new VectorStoreDataProperty("Year", typeof(int)));
        }

        return new() { Properties = properties };
    }

    private static float[] Vector(int i, int dimensions) => [.. Enumerable.Range(0, dimensions).Select(d => (float)((i + 1) * (d + 1) % 7) - 2.5f)];

    [Theory]
    [InlineData("distance", "distance function is CosineSimilarity in the collection, DotProductSimilarity in this definition")]
    [InlineData("dimensions", "dimensions is 4 in the collection, 6 in this definition")]
    [InlineData("index kind", "index kind is Flat in the collection, Hnsw in this definition")]
    [InlineData("key type", "key is 'Id' (Int64) in the collection, 'Id' (String) in this definition")]
    [InlineData("property", "this definition has data property 'Year' (Int32), the collection doesn't")]
    public async Task Another_definition_is_refused_by_every_operation_and_nothing_changes(string change, string expected)
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var created = store.GetDynamicCollection("c", Definition());
            await created.EnsureCollectionExistsAsync();
            await created.UpsertAsync(Enumerable.Range(0, 5).Select(i => new Dictionary<string, object?> { ["Id"] = (long)i, ["Text"] = $"t{i}", ["Vector"] = Vector(i, 4) }));
        }

        VectorStoreCollectionDefinition other = change switch
        {
            "distance" => Definition(distance: DistanceFunction.DotProductSimilarity),
            "dimensions" => Definition(dimensions: 6),
            "index kind" => Definition(indexKind: IndexKind.Hnsw),
            "key type" => Definition(keyType: typeof(string)),
            _ => Definition(extra: true),
        };
        int dimensions = change == "dimensions" ? 6 : 4;
        object key = change == "key type" ? "1" : 1L;
        var record = new Dictionary<string, object?> { ["Id"] = key, ["Text"] = "new", ["Vector"] = Vector(9, dimensions), ["Year"] = 2020 };
        if (change != "property")
        {
            record.Remove("Year");
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var wrong = store.GetDynamicCollection("c", other);
            Func<Task>[] operations =
            [
                () => wrong.EnsureCollectionExistsAsync(),
                () => wrong.GetAsync(key),
                async () => await wrong.GetAsync(r => true, 10).ToListAsync(),
                async () => await wrong.SearchAsync(Vector(1, dimensions), 3).ToListAsync(),
                () => wrong.UpsertAsync(record),
                () => wrong.DeleteAsync(key),
                () => wrong.SaveIndexAsync(),
                () => wrong.RebuildIndexAsync(),
            ];
            foreach (Func<Task> operation in operations)
            {
                var error = await Assert.ThrowsAsync<FaissCollectionMismatchException>(operation);
                Assert.Contains(expected, error.Message);
                Assert.Contains("Collection 'c'", error.Message);
                Assert.Equal("c", error.CollectionName);
            }
        }

        // The collection is as it was, and its own definition still searches with exact cosine scores.
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var right = store.GetDynamicCollection("c", Definition());
            var hits = await right.SearchAsync(Vector(3, 4), 5).ToListAsync();
            Assert.Equal(5, hits.Count);
            Assert.Equal(3L, hits[0].Record["Id"]);
            Assert.Equal(1.0, hits[0].Score!.Value, 5);
            Assert.Equal("t1", (await right.GetAsync(1L))!["Text"]);
        }
    }

    [Fact]
    public async Task A_store_without_recorded_definitions_gets_one_at_first_open_after_its_settings_and_columns_are_checked()
    {
        // A collection as the first release wrote it: no uid, definition, generator or snapshot columns.
        float[] vector = [3, 4, 0, 0];
        using (var connection = new SqliteConnection($"Data Source={_temp.Database};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE "__sk_faiss_collections" (name TEXT PRIMARY KEY, dimensions INTEGER NOT NULL, distance TEXT NOT NULL, index_kind TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE "c_old" (_fid INTEGER PRIMARY KEY AUTOINCREMENT, "Id" INTEGER NOT NULL UNIQUE, "Text" TEXT);
                CREATE TABLE "v_old" (_fid INTEGER PRIMARY KEY, _vector BLOB NOT NULL);
                INSERT INTO "__sk_faiss_collections" VALUES ('old', 4, 'CosineSimilarity', 'Flat', 7);
                INSERT INTO "c_old" (_fid, "Id", "Text") VALUES (1, 10, 'ten');
                INSERT INTO "v_old" (_fid, _vector) VALUES (1, @vector);
                """;
            command.Parameters.AddWithValue("@vector", vector.SelectMany(BitConverter.GetBytes).ToArray());
            command.ExecuteNonQuery();
        }

        using var store = new FaissVectorStore(_temp.Database);
        var wrongDistance = await Assert.ThrowsAsync<FaissCollectionMismatchException>(
            async () => await store.GetDynamicCollection("old", Definition(distance: DistanceFunction.DotProductSimilarity)).SearchAsync(vector, 1).ToListAsync());
        Assert.Contains("it has 4 dimensions, CosineSimilarity and Flat; this definition asks for 4 dimensions, DotProductSimilarity and Flat", wrongDistance.Message);
        var wrongColumns = await Assert.ThrowsAsync<FaissCollectionMismatchException>(() => store.GetDynamicCollection("old", Definition(extra: true)).GetAsync(10L));
        Assert.Contains("its table has columns", wrongColumns.Message);

        var right = store.GetDynamicCollection("old", Definition());
        var hit = await right.SearchAsync(new float[] { 6, 8, 0, 0 }, 1).SingleAsync();
        Assert.Equal(10L, hit.Record["Id"]);
        Assert.Equal(1.0, hit.Score!.Value, 6);

        // Recorded now: a later open compares with the recorded definition.
        var later = await Assert.ThrowsAsync<FaissCollectionMismatchException>(
            () => store.GetDynamicCollection("old", Definition(distance: DistanceFunction.DotProductSimilarity)).GetAsync(10L));
        Assert.Contains("distance function is CosineSimilarity in the collection, DotProductSimilarity in this definition", later.Message);
        using var check = new SqliteConnection($"Data Source={_temp.Database};Pooling=False");
        check.Open();
        using SqliteCommand read = check.CreateCommand();
        read.CommandText = "SELECT definition FROM \"__sk_faiss_collections\" WHERE name = 'old'";
        Assert.Contains("\"distance\":\"CosineSimilarity\"", (string)read.ExecuteScalar()!);
    }

    [Fact]
    public async Task Two_instances_creating_one_collection_at_once_with_other_properties_cannot_both_succeed()
    {
        // Many rounds, each a race of two creators: exactly one definition wins, the loser is refused before writing.
        for (int round = 0; round < 20; round++)
        {
            string name = $"race{round}";
            using var a = new FaissVectorStore(_temp.Database);
            using var b = new FaissVectorStore(_temp.Database);
            var first = a.GetDynamicCollection(name, Definition());
            var second = b.GetDynamicCollection(name, Definition(extra: true));
            Task[] creating = [Task.Run(() => first.EnsureCollectionExistsAsync()), Task.Run(() => second.EnsureCollectionExistsAsync())];
            try
            {
                await Task.WhenAll(creating);
            }
            catch (FaissCollectionMismatchException)
            {
            }

            Assert.Equal(1, creating.Count(t => t.IsCompletedSuccessfully));
            var winner = creating[0].IsCompletedSuccessfully ? first : second;
            var record = new Dictionary<string, object?> { ["Id"] = 1L, ["Text"] = "x", ["Vector"] = Vector(1, 4), ["Year"] = 2020 };
            await winner.UpsertAsync(record);
            Assert.Equal("x", (await winner.GetAsync(1L))!["Text"]);
        }
    }
}
