using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// The record shapes of the MEVD conformance suite's model tests: several vector properties (one FAISS index each,
/// chosen per search) and none (stored, read and filtered, never searched), typed and dynamic, with the same
/// durability, snapshot and definition rules per index; and a store written by the single-vector layout opening unchanged.
/// </summary>
public sealed class VectorShapeConformanceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public sealed class MultiVectorRecord
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Number { get; set; }

        [VectorStoreVector(3, DistanceFunction = DistanceFunction.CosineSimilarity)]
        public ReadOnlyMemory<float> Vector1 { get; set; }

        [VectorStoreVector(3, DistanceFunction = DistanceFunction.EuclideanDistance, IndexKind = IndexKind.Hnsw)]
        public ReadOnlyMemory<float> Vector2 { get; set; }
    }

    public sealed class NoVectorRecord
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(StorageName = "text", IsIndexed = true)]
        public string? Text { get; set; }
    }

    private static List<MultiVectorRecord> MultiVectorData() =>
    [
        new() { Key = 1, Number = 1, Vector1 = new([1, 2, 3]), Vector2 = new([10, 2, 4]) },
        new() { Key = 2, Number = 2, Vector1 = new([1, 2, 5]), Vector2 = new([10, 2, 6]) },
    ];

    private static VectorStoreCollectionDefinition MultiVectorDefinition(string vector2Distance = DistanceFunction.EuclideanDistance) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Key", typeof(int)),
            new VectorStoreDataProperty("Number", typeof(int)) { IsIndexed = true },
            new VectorStoreVectorProperty("Vector1", typeof(ReadOnlyMemory<float>), 3) { DistanceFunction = DistanceFunction.CosineSimilarity },
            new VectorStoreVectorProperty("Vector2", typeof(ReadOnlyMemory<float>), 3) { DistanceFunction = vector2Distance, IndexKind = IndexKind.Hnsw },
        ],
    };

    private async Task<FaissCollection<int, MultiVectorRecord>> SeededMultiVectorAsync(FaissVectorStore store)
    {
        var collection = store.GetCollection<int, MultiVectorRecord>("multi");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(MultiVectorData());
        return collection;
    }

    [Fact]
    public async Task Multi_vector_records_round_trip_and_each_vector_property_is_searched_with_its_own_index_and_distance()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = await SeededMultiVectorAsync(store);

        var withVectors = await collection.GetAsync(1, new() { IncludeVectors = true });
        Assert.NotNull(withVectors);
        Assert.Equal([1f, 2, 3], withVectors.Vector1.ToArray());
        Assert.Equal([10f, 2, 4], withVectors.Vector2.ToArray());
        var withoutVectors = await collection.GetAsync(1);
        Assert.Equal(1, withoutVectors!.Number);
        Assert.True(withoutVectors.Vector1.IsEmpty && withoutVectors.Vector2.IsEmpty);

        // Vector1 is cosine similarity (higher is better), Vector2 Euclidean distance (lower is better).
        var byVector1 = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 2, new() { VectorProperty = r => r.Vector1, IncludeVectors = true }).ToListAsync();
        Assert.Equal([1, 2], byVector1.Select(r => r.Record.Key));
        Assert.Equal(1.0, byVector1[0].Score!.Value, 5);
        Assert.Equal(20 / Math.Sqrt(14 * 30), byVector1[1].Score!.Value, 5);
        Assert.Equal([10f, 2, 4], byVector1[0].Record.Vector2.ToArray());

        var byVector2 = await collection.SearchAsync(new ReadOnlyMemory<float>([10, 2, 6]), 2, new() { VectorProperty = r => r.Vector2 }).ToListAsync();
        Assert.Equal([2, 1], byVector2.Select(r => r.Record.Key));
        Assert.Equal([0.0, 2.0], byVector2.Select(r => Math.Round(r.Score!.Value, 5)));

        var unchosen = await Assert.ThrowsAsync<InvalidOperationException>(() => collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 1).ToListAsync().AsTask());
        Assert.Equal("The 'MultiVectorRecord' type has multiple vector properties, please specify your chosen property via options.", unchosen.Message);

        // A vector of the wrong width for the chosen property names that property.
        var wrongWidth = await Assert.ThrowsAsync<ArgumentException>(() =>
            collection.SearchAsync(new ReadOnlyMemory<float>([1, 2]), 1, new() { VectorProperty = r => r.Vector2 }).ToListAsync().AsTask());
        Assert.Contains("vector property 'Vector2' has 3", wrongWidth.Message);

        await collection.DeleteAsync(1);
        Assert.Null(await collection.GetAsync(1));
        Assert.Equal([2], (await collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 5, new() { VectorProperty = r => r.Vector1 }).ToListAsync()).Select(r => r.Record.Key));
        Assert.Equal([2], (await collection.SearchAsync(new ReadOnlyMemory<float>([10, 2, 4]), 5, new() { VectorProperty = r => r.Vector2 }).ToListAsync()).Select(r => r.Record.Key));
    }

    [Fact]
    public async Task Dynamic_multi_vector_records_choose_the_vector_property_by_key()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetDynamicCollection("multi", MultiVectorDefinition());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(MultiVectorData().Select(r => new Dictionary<string, object?>
        {
            ["Key"] = r.Key, ["Number"] = r.Number, ["Vector1"] = r.Vector1, ["Vector2"] = r.Vector2,
        }));

        var hit = await collection.SearchAsync(new ReadOnlyMemory<float>([10, 2, 6]), 1, new() { VectorProperty = r => r["Vector2"], IncludeVectors = true }).SingleAsync();
        Assert.Equal(2, hit.Record["Key"]);
        Assert.Equal(0.0, hit.Score!.Value, 5);
        Assert.Equal([1f, 2, 5], ((ReadOnlyMemory<float>)hit.Record["Vector1"]!).ToArray());
        hit = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 1, new() { VectorProperty = r => r["Vector1"] }).SingleAsync();
        Assert.Equal(1, hit.Record["Key"]);

        var unchosen = await Assert.ThrowsAsync<InvalidOperationException>(() => collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 1).ToListAsync().AsTask());
        Assert.Contains("has multiple vector properties, please specify your chosen property via options.", unchosen.Message);
    }

    [Fact]
    public async Task Each_vector_index_has_its_own_trusted_snapshot_and_a_damaged_one_is_rebuilt_from_sqlite()
    {
        string path1, path2;
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = await SeededMultiVectorAsync(store);
            path1 = collection.GetIndexPath(nameof(MultiVectorRecord.Vector1));
            path2 = collection.GetIndexPath(nameof(MultiVectorRecord.Vector2));
            Assert.Equal(collection.IndexPath, path1);
            Assert.NotEqual(path1, path2);
        }

        // Both snapshots are on disk, and the catalog records each one's SHA-256 (the first where single-vector stores keep it).
        (string? first, string? others) = ReadCatalogSnapshots("multi");
        Assert.Equal(Sha256(path1), first);
        Assert.Equal(Sha256(path2), (string?)JsonNode.Parse(others!)!["1"]);

        // A damaged second snapshot is not trusted: that index is rebuilt from SQLite, the first still loads.
        File.WriteAllBytes(path2, [1, 2, 3, 4]);
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, MultiVectorRecord>("multi");
            var byVector2 = await collection.SearchAsync(new ReadOnlyMemory<float>([10, 2, 6]), 2, new() { VectorProperty = r => r.Vector2 }).ToListAsync();
            Assert.Equal([2, 1], byVector2.Select(r => r.Record.Key));
            var byVector1 = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 5]), 1, new() { VectorProperty = r => r.Vector1 }).SingleAsync();
            Assert.Equal(2, byVector1.Record.Key);
            await collection.SaveIndexAsync();
        }

        Assert.Equal(Sha256(path2), (string?)JsonNode.Parse(ReadCatalogSnapshots("multi").Others!)!["1"]);

        // Deleting the collection through the store removes every index file.
        using (var store = new FaissVectorStore(_temp.Database))
        {
            await store.EnsureCollectionDeletedAsync("multi");
        }

        Assert.False(File.Exists(path1));
        Assert.False(File.Exists(path2));
    }

    [Fact]
    public async Task A_write_by_another_instance_reaches_every_vector_index()
    {
        using var storeA = new FaissVectorStore(_temp.Database);
        using var storeB = new FaissVectorStore(_temp.Database);
        var a = await SeededMultiVectorAsync(storeA);
        var b = storeB.GetCollection<int, MultiVectorRecord>("multi");
        Assert.Equal(2, (await b.SearchAsync(new ReadOnlyMemory<float>([10, 2, 6]), 1, new() { VectorProperty = r => r.Vector2 }).SingleAsync()).Record.Key);
        Assert.Equal(1, (await b.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 1, new() { VectorProperty = r => r.Vector1 }).SingleAsync()).Record.Key);

        await a.UpsertAsync(new MultiVectorRecord { Key = 3, Number = 3, Vector1 = new([-1, 0, 0]), Vector2 = new([-5, -5, -5]) });
        await a.DeleteAsync(2);

        var byVector1 = await b.SearchAsync(new ReadOnlyMemory<float>([-1, 0, 0]), 5, new() { VectorProperty = r => r.Vector1 }).ToListAsync();
        Assert.Equal([3, 1], byVector1.Select(r => r.Record.Key));
        Assert.Equal(1.0, byVector1[0].Score!.Value, 5);
        var byVector2 = await b.SearchAsync(new ReadOnlyMemory<float>([-5, -5, -5]), 5, new() { VectorProperty = r => r.Vector2 }).ToListAsync();
        Assert.Equal([3, 1], byVector2.Select(r => r.Record.Key));
        Assert.Equal(0.0, byVector2[0].Score!.Value, 5);
    }

    [Fact]
    public async Task Reopening_with_another_vector_definition_is_refused_per_vector_property()
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            await SeededMultiVectorAsync(store);
        }

        using var reopened = new FaissVectorStore(_temp.Database);
        var otherDistance = reopened.GetDynamicCollection("multi", MultiVectorDefinition(DistanceFunction.CosineDistance));
        var e = await Assert.ThrowsAsync<FaissCollectionMismatchException>(() => otherDistance.GetAsync(1));
        Assert.Contains("distance function of vector property 'Vector2' is EuclideanDistance in the collection, CosineDistance in this definition", e.Message);

        var oneVector = new VectorStoreCollectionDefinition { Properties = [.. MultiVectorDefinition().Properties.Where(p => p.Name != "Vector2")] };
        e = await Assert.ThrowsAsync<FaissCollectionMismatchException>(() => reopened.GetDynamicCollection("multi", oneVector).GetAsync(1));
        Assert.Contains("the collection has vector properties 'Vector1', 'Vector2', this definition vector properties 'Vector1'", e.Message);

        var matching = reopened.GetDynamicCollection("multi", MultiVectorDefinition());
        Assert.Equal(2, (await matching.GetAsync(2))!["Number"]);
    }

    [Fact]
    public async Task Records_without_vectors_support_crud_and_filters_and_refuse_search_with_the_abstractions_message()
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, NoVectorRecord>("novector");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync([new() { Key = 1, Text = "foo" }, new() { Key = 2, Text = "bar" }, new() { Key = 3, Text = "baz" }]);

            Assert.Equal("foo", (await collection.GetAsync(1, new() { IncludeVectors = true }))!.Text);
            Assert.Equal(["bar", "baz"], (await collection.GetAsync([2, 3, 99]).ToListAsync()).Select(r => r.Text).Order());
            Assert.Equal([3], (await collection.GetAsync(r => r.Text == "baz", 10).ToListAsync()).Select(r => r.Key));
            Assert.Equal([1, 3, 2], (await collection.GetAsync(r => r.Key > 0, 10, new() { OrderBy = o => o.Descending(r => r.Text) }).ToListAsync()).Select(r => r.Key));

            await collection.UpsertAsync(new NoVectorRecord { Key = 2, Text = "qux" });
            await collection.DeleteAsync(1);
            Assert.Null(await collection.GetAsync(1));
            Assert.Equal("qux", (await collection.GetAsync(2))!.Text);

            var search = await Assert.ThrowsAsync<InvalidOperationException>(() => collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 1).ToListAsync().AsTask());
            Assert.Equal("The 'NoVectorRecord' type does not have any vector properties.", search.Message);
            await collection.SaveIndexAsync();
        }

        // Durable, and no index file exists for a collection without vectors.
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("novector", new VectorStoreCollectionDefinition
            {
                Properties = [new VectorStoreKeyProperty("Key", typeof(int)), new VectorStoreDataProperty("Text", typeof(string)) { StorageName = "text", IsIndexed = true }],
            });
            Assert.Equal(["baz", "qux"], (await collection.GetAsync(r => true, 10).ToListAsync()).Select(r => (string)r["Text"]!));
            await collection.UpsertAsync(new Dictionary<string, object?> { ["Key"] = 4, ["Text"] = "dyn" });
            Assert.Equal("dyn", (await collection.GetAsync(4))!["Text"]);
        }

        Assert.Empty(Directory.Exists(_temp.Database + ".faiss") ? Directory.GetFiles(_temp.Database + ".faiss") : []);
    }

    /// <summary>
    /// Fixtures/main-layout was written by the connector as built from main before several vectors were supported
    /// (its README has the program): a single-vector HNSW cosine collection with one deleted record and a snapshot.
    /// </summary>
    [Fact]
    public async Task A_store_written_by_the_single_vector_layout_opens_unchanged_and_keeps_its_snapshot()
    {
        string database = Path.Combine(_temp.Path, "main-layout.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "main-layout", "main-layout.db"), database);
        Directory.CreateDirectory(database + ".faiss");
        string fixtureIndex = Path.Combine(AppContext.BaseDirectory, "Fixtures", "main-layout", "main-layout.db.faiss", "docs-46b42b4229cd.index");
        File.Copy(fixtureIndex, Path.Combine(database + ".faiss", "docs-46b42b4229cd.index"));
        string definitionBefore = ReadCatalog(database, "definition")!;
        string snapshotBefore = ReadCatalog(database, "snapshot")!;
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Text", typeof(string)),
                new VectorStoreDataProperty("Group", typeof(int)) { IsIndexed = true },
                new VectorStoreVectorProperty("Vector", typeof(float[]), 4) { DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Hnsw },
            ],
        };

        using (var store = new FaissVectorStore(database))
        {
            var collection = store.GetDynamicCollection("docs", definition);
            Assert.Equal(Path.Combine(database + ".faiss", "docs-46b42b4229cd.index"), collection.IndexPath);
            Assert.Equal(snapshotBefore, Sha256(collection.IndexPath));
            Assert.Null(await collection.GetAsync("b"));
            var hits = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5).ToListAsync();
            Assert.Equal(["a", "c"], hits.Select(h => (string)h.Record["Id"]!));
            Assert.Equal([1.0, Math.Round(1 / Math.Sqrt(2), 5)], hits.Select(h => Math.Round(h.Score!.Value, 5)));
            Assert.Equal(["gamma"], (await collection.GetAsync(r => (int)r["Group"]! == 1 && (string)r["Id"]! == "c", 5).ToListAsync()).Select(r => (string)r["Text"]!));

            await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = "d", ["Text"] = "delta", ["Group"] = 3, ["Vector"] = new float[] { 0, 0, 1, 0 } });
            await collection.SaveIndexAsync();

            var twoVectors = new VectorStoreCollectionDefinition
            {
                Properties = [.. definition.Properties, new VectorStoreVectorProperty("Other", typeof(float[]), 4)],
            };
            await Assert.ThrowsAsync<FaissCollectionMismatchException>(() => store.GetDynamicCollection("docs", twoVectors).GetAsync("a"));
        }

        // The recorded definition is still the single-vector form, and the new snapshot is recorded where it always was.
        Assert.Equal(definitionBefore, ReadCatalog(database, "definition"));
        Assert.Contains("\"vector\":", definitionBefore);
        Assert.Equal(Sha256(Path.Combine(database + ".faiss", "docs-46b42b4229cd.index")), ReadCatalog(database, "snapshot"));
        Assert.Null(ReadCatalog(database, "vector_snapshots"));
        using (var store = new FaissVectorStore(database))
        {
            var hit = await store.GetDynamicCollection("docs", definition).SearchAsync(new float[] { 0, 0, 1, 0 }, 1).SingleAsync();
            Assert.Equal("d", hit.Record["Id"]);
        }
    }

    private (string? First, string? Others) ReadCatalogSnapshots(string name)
        => (ReadCatalog(_temp.Database, "snapshot", name), ReadCatalog(_temp.Database, "vector_snapshots", name));

    private static string? ReadCatalog(string database, string column, string name = "docs")
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {column} FROM __sk_faiss_collections WHERE name = @name";
        command.Parameters.AddWithValue("@name", name);
        return command.ExecuteScalar() as string;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
