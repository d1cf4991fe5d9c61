using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>Collection names are exact: a name that differs only in case is another name, and never reaches the first one's table.</summary>
public sealed class CollectionNameTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Text", typeof(string)),
            new VectorStoreVectorProperty("Vector", typeof(float[]), 3),
        ],
    };

    private static Dictionary<string, object?> Record(long id, float x) => new() { ["Id"] = id, ["Text"] = $"record {id}", ["Vector"] = new[] { x, 1f, 0f } };

    [Fact]
    public async Task A_name_differing_only_in_case_is_refused_and_deleting_it_leaves_the_other_collection_alone()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var docs = store.GetDynamicCollection("docs", Definition());
        await docs.EnsureCollectionExistsAsync();
        await docs.UpsertAsync([Record(1, 1), Record(2, 2)]);

        var upper = store.GetDynamicCollection("Docs", Definition());
        Assert.False(await upper.CollectionExistsAsync());
        Assert.False(await store.CollectionExistsAsync("Docs"));
        var refused = await Assert.ThrowsAsync<VectorStoreException>(() => upper.EnsureCollectionExistsAsync());
        Assert.Contains("Collection 'Docs' can't be created", refused.Message);
        Assert.Contains("collection 'docs' exists, and names that differ only in case would share one SQLite table", refused.Message);
        Assert.Equal("Docs", refused.CollectionName);

        // Deleting names that don't exist exactly is a no-op, through the collection and through the store.
        await upper.EnsureCollectionDeletedAsync();
        await store.EnsureCollectionDeletedAsync("Docs");
        await store.EnsureCollectionDeletedAsync("DOCS");
        await Assert.ThrowsAsync<VectorStoreException>(() => upper.UpsertAsync(Record(3, 3)));

        Assert.Equal(["docs"], await store.ListCollectionNamesAsync().ToListAsync());
        Assert.Equal([1L, 2L], (await docs.GetAsync(r => true, 10).ToListAsync()).Select(r => (long)r["Id"]!).Order());
        var hit = await docs.SearchAsync(new float[] { 1, 0, 0 }, 1).SingleAsync();
        Assert.Equal(2L, hit.Record["Id"]);
        Assert.Equal(2.0, hit.Score!.Value, 6);

        // A name that differs in more than case is its own collection.
        var other = store.GetDynamicCollection("docs2", Definition());
        await other.EnsureCollectionExistsAsync();
        Assert.Empty(await other.GetAsync(r => true, 10).ToListAsync());
    }
}
