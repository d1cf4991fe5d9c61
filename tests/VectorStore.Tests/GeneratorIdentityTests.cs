using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>A collection remembers which generator embedded it and refuses another one at that generator's first use.</summary>
public sealed class GeneratorIdentityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public sealed class Note
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData]
        public string Body { get; set; } = "";

        [VectorStoreVector(64)]
        public string Text => Body;
    }

    private static readonly Note[] s_notes =
    [
        new() { Id = "a", Body = "cats purr and sleep all day" },
        new() { Id = "b", Body = "rockets launch into orbit" },
    ];

    private FaissCollection<string, Note> Open(Microsoft.Extensions.AI.IEmbeddingGenerator generator)
        => new(_temp.Database, "notes", new() { EmbeddingGenerator = generator });

    [Fact]
    public async Task Another_model_is_refused_at_its_first_embedding_naming_both_and_the_collection()
    {
        using (var built = Open(new IdentifiedEmbeddingGenerator("model-a", 64)))
        {
            await built.EnsureCollectionExistsAsync();
            await built.UpsertAsync(s_notes);
        }

        foreach ((IdentifiedEmbeddingGenerator other, string expected) in new[]
        {
            (new IdentifiedEmbeddingGenerator("model-b", 64), "has provider 'test-provider', model 'model-b', 64 dimensions"),
            (new IdentifiedEmbeddingGenerator("model-a", 64, reportedDimensions: 128), "has provider 'test-provider', model 'model-a', 128 dimensions"),
        })
        {
            using var collection = Open(other);

            // Opening and reading don't touch the generator (a lazily loaded one stays unloaded).
            await collection.EnsureCollectionExistsAsync();
            Assert.Equal("rockets launch into orbit", (await collection.GetAsync("b"))!.Body);
            Assert.Equal(0, other.MetadataRequests);

            var search = await Assert.ThrowsAsync<FaissCollectionMismatchException>(async () => await collection.SearchAsync("cats", 1).ToListAsync());
            var upsert = await Assert.ThrowsAsync<FaissCollectionMismatchException>(() => collection.UpsertAsync(new Note { Id = "c", Body = "new" }));
            foreach (FaissCollectionMismatchException error in new[] { search, upsert })
            {
                Assert.Contains("Collection 'notes'", error.Message);
                Assert.Contains("was embedded by a generator with provider 'test-provider', model 'model-a', 64 dimensions", error.Message);
                Assert.Contains(expected, error.Message);
                Assert.Equal("notes", error.CollectionName);
            }

            Assert.Equal(0, other.Calls); // refused before embedding anything
            Assert.Null(await collection.GetAsync("c"));
        }

        // A generator without identity can't be checked against one that was recorded: refused too.
        using (var anonymous = Open(new FakeEmbeddingGenerator(64)))
        {
            var error = await Assert.ThrowsAsync<FaissCollectionMismatchException>(async () => await anonymous.SearchAsync("cats", 1).ToListAsync());
            Assert.Contains("reports no identity", error.Message);
        }

        // The same model (another instance) searches and indexes.
        var same = new IdentifiedEmbeddingGenerator("model-a", 64);
        using var again = Open(same);
        Assert.Equal("a", (await again.SearchAsync("cats sleep", 1).SingleAsync()).Record.Id);
        await again.UpsertAsync(new Note { Id = "c", Body = "dogs bark" });
        Assert.Equal("c", (await again.SearchAsync("dogs bark", 1).SingleAsync()).Record.Id);
    }
}
