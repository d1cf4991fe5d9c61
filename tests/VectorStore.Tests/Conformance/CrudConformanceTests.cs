using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// The MEVD conformance suite's basic-model, dynamic-model and collection-management scenarios: single and batch
/// upsert, get and delete, overwrite, missing keys, filtered and ordered gets with paging, vectors included or not,
/// the same through <c>Dictionary&lt;string, object?&gt;</c> records, and collection lifetime.
/// </summary>
public sealed class CrudConformanceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FaissVectorStore _store;

    public CrudConformanceTests() => _store = new FaissVectorStore(_temp.Database);

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    public sealed class Record
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Number { get; set; }

        [VectorStoreData(StorageName = "text")]
        public string? Text { get; set; }

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    private static VectorStoreCollectionDefinition DynamicDefinition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Key", typeof(int)),
            new VectorStoreDataProperty("Number", typeof(int)) { IsIndexed = true },
            new VectorStoreDataProperty("Text", typeof(string)) { StorageName = "text" },
            new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 3),
        ],
    };

    private static List<Record> TestData() =>
    [
        new() { Key = 1, Number = 1, Text = "UsedByGetTests", Vector = new([1, 2, 3]) },
        new() { Key = 2, Number = 2, Text = "UsedByGetTests", Vector = new([2, 3, 4]) },
        new() { Key = 3, Number = 3, Text = "UsedByUpdateTests", Vector = new([3, 4, 5]) },
        new() { Key = 4, Number = 4, Text = "UsedByDeleteTests", Vector = new([4, 5, 6]) },
    ];

    private async Task<FaissCollection<int, Record>> SeededAsync()
    {
        var collection = _store.GetCollection<int, Record>("basic");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(TestData());
        return collection;
    }

    [Fact]
    public async Task GetAsync_single_and_batch_records_with_and_without_vectors()
    {
        var collection = await SeededAsync();

        var received = await collection.GetAsync(1, new() { IncludeVectors = true });
        Assert.Equal((1, 1, "UsedByGetTests"), (received!.Key, received.Number, received.Text));
        Assert.Equal([1f, 2, 3], received.Vector.ToArray());
        Assert.True((await collection.GetAsync(1))!.Vector.IsEmpty);

        var batch = await collection.GetAsync([1, 2, 99], new() { IncludeVectors = true }).ToListAsync();
        Assert.Equal([1, 2], batch.Select(r => r.Key).Order());
        Assert.Equal([2f, 3, 4], batch.Single(r => r.Key == 2).Vector.ToArray());
        Assert.Null(await collection.GetAsync(99));
        Assert.Empty(await collection.GetAsync([98, 99]).ToListAsync());
        Assert.Empty(await collection.GetAsync(Array.Empty<int>()).ToListAsync());
    }

    [Fact]
    public async Task Insert_update_and_delete_single_and_batch_records()
    {
        var collection = await SeededAsync();

        await collection.UpsertAsync(new Record { Key = 10, Number = 10, Text = "new", Vector = new([10, 0, 0]) });
        Assert.Equal("new", (await collection.GetAsync(10))!.Text);

        // Overwrite: data and vector both replaced; the old vector is no longer found.
        await collection.UpsertAsync(new Record { Key = 3, Number = 30, Text = "updated", Vector = new([0, 0, -1]) });
        var updated = await collection.GetAsync(3, new() { IncludeVectors = true });
        Assert.Equal((30, "updated"), (updated!.Number, updated.Text));
        Assert.Equal([0f, 0, -1], updated.Vector.ToArray());
        var top = await collection.SearchAsync(new ReadOnlyMemory<float>([0, 0, -1]), 1).SingleAsync();
        Assert.Equal((3, 1.0), (top.Record.Key, top.Score!.Value));

        // A batch with the same key twice keeps the last.
        await collection.UpsertAsync([new Record { Key = 11, Text = "first", Vector = new([1, 1, 1]) }, new Record { Key = 11, Text = "last", Vector = new([1, 1, 1]) }]);
        Assert.Equal("last", (await collection.GetAsync(11))!.Text);

        await collection.DeleteAsync(4);
        await collection.DeleteAsync([1, 2, 99]);
        await collection.DeleteAsync(99);
        Assert.Equal([3, 10, 11], (await collection.GetAsync(r => true, 10).ToListAsync()).Select(r => r.Key).Order());
        Assert.Equal([3, 10, 11], (await collection.SearchAsync(new ReadOnlyMemory<float>([1, 1, 1]), 10).ToListAsync()).Select(r => r.Record.Key).Order());
    }

    [Fact]
    public async Task Filtered_get_with_order_skip_and_top()
    {
        var collection = await SeededAsync();

        var page = await collection.GetAsync(r => r.Number > 1, 2, new() { OrderBy = o => o.Descending(r => r.Number), Skip = 1 }).ToListAsync();
        Assert.Equal([3, 2], page.Select(r => r.Key));
        var byText = await collection.GetAsync(r => r.Text == "UsedByGetTests", 10, new() { OrderBy = o => o.Ascending(r => r.Number), IncludeVectors = true }).ToListAsync();
        Assert.Equal([1, 2], byText.Select(r => r.Key));
        Assert.Equal([1f, 2, 3], byText[0].Vector.ToArray());
    }

    [Fact]
    public async Task Dynamic_records_support_the_same_operations()
    {
        var collection = _store.GetDynamicCollection("basic", DynamicDefinition());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(TestData().Select(r => new Dictionary<string, object?>
        {
            ["Key"] = r.Key, ["Number"] = r.Number, ["Text"] = r.Text, ["Vector"] = r.Vector,
        }));

        var received = await collection.GetAsync(2, new() { IncludeVectors = true });
        Assert.Equal(2, received!["Number"]);
        Assert.Equal("UsedByGetTests", received["Text"]);
        Assert.Equal([2f, 3, 4], ((ReadOnlyMemory<float>)received["Vector"]!).ToArray());
        Assert.False((await collection.GetAsync(2))!.ContainsKey("Vector"));

        var filtered = await collection.GetAsync(r => (int)r["Number"]! >= 3, 10, new() { OrderBy = o => o.Descending(r => r["Number"]) }).ToListAsync();
        Assert.Equal([4, 3], filtered.Select(r => r["Key"]));
        var hit = await collection.SearchAsync(new ReadOnlyMemory<float>([4, 5, 6]), 1).SingleAsync();
        Assert.Equal(4, hit.Record["Key"]);
        Assert.Equal(77.0, hit.Score!.Value, 5);

        await collection.DeleteAsync([1, 2]);
        Assert.Equal([3, 4], (await collection.GetAsync(r => true, 10).ToListAsync()).Select(r => (int)r["Key"]!).Order());

        // The typed and dynamic views of one collection see the same records.
        Assert.Equal("UsedByDeleteTests", (await _store.GetCollection<int, Record>("basic").GetAsync(4))!.Text);
    }

    [Fact]
    public async Task Collection_management()
    {
        var collection = _store.GetCollection<int, Record>("managed");
        Assert.False(await collection.CollectionExistsAsync());
        await Assert.ThrowsAsync<VectorStoreException>(() => collection.UpsertAsync(TestData()[0]));

        await collection.EnsureCollectionExistsAsync();
        await collection.EnsureCollectionExistsAsync();
        Assert.True(await collection.CollectionExistsAsync());
        Assert.True(await _store.CollectionExistsAsync("managed"));
        Assert.Contains("managed", await _store.ListCollectionNamesAsync().ToListAsync());
        await collection.UpsertAsync(TestData());

        await collection.EnsureCollectionDeletedAsync();
        Assert.False(await collection.CollectionExistsAsync());
        Assert.DoesNotContain("managed", await _store.ListCollectionNamesAsync().ToListAsync());
        await collection.EnsureCollectionDeletedAsync();

        // Recreated empty: nothing of the deleted incarnation comes back.
        await collection.EnsureCollectionExistsAsync();
        Assert.Null(await collection.GetAsync(1));
        Assert.Empty(await collection.SearchAsync(new ReadOnlyMemory<float>([1, 2, 3]), 5).ToListAsync());

        var metadata = (VectorStoreCollectionMetadata)collection.GetService(typeof(VectorStoreCollectionMetadata))!;
        Assert.Equal(("faiss", "managed", _temp.Database), (metadata.VectorStoreSystemName, metadata.CollectionName, metadata.VectorStoreName));
    }
}
