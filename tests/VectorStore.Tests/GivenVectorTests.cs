using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// Dynamic records whose embedded (string) vector property holds a vector already computed, e.g. an image embedded by
/// the same model through another input type: stored as given beside the records the generator embeds, in one index
/// that text queries search.
/// </summary>
public sealed class GivenVectorTests : IDisposable
{
    private const int Dimensions = 16;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition(IEmbeddingGenerator generator) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(string)),
            new VectorStoreDataProperty("Title", typeof(string)),
            new VectorStoreVectorProperty("Content", typeof(string), Dimensions) { EmbeddingGenerator = generator },
        ],
    };

    private static Dictionary<string, object?> Record(string id, object content, string? title = null)
        => new() { ["Id"] = id, ["Title"] = title, ["Content"] = content };

    [Fact]
    public async Task Given_vectors_are_stored_as_given_beside_embedded_texts_of_the_same_batch_and_found_by_a_text_query()
    {
        var generator = new FakeEmbeddingGenerator(Dimensions);
        using var store = new FaissVectorStore(_temp.Database, new() { CollectionDefaults = new() { TitleProperty = "Title" } });
        var collection = store.GetDynamicCollection("mixed", Definition(generator));
        await collection.EnsureCollectionExistsAsync();

        // Vectors of other texts stand for "media": each form the connector reads as a vector.
        float[] photo = FakeEmbeddingGenerator.Embed("red planet rover", Dimensions);
        float[] clip = FakeEmbeddingGenerator.Embed("cats purring", Dimensions);
        float[] scan = FakeEmbeddingGenerator.Embed("soup recipe", Dimensions);
        await collection.UpsertAsync(
        [
            Record("photo", new ReadOnlyMemory<float>(photo)),
            Record("note", "dogs bark at the mailman", "Dogs"),
            Record("clip", new Embedding<float>(clip)),
            Record("text", "rockets launch into orbit"),
            Record("scan", scan),
        ]);

        // One generator call with only the texts, each with its own title.
        var call = Assert.Single(generator.Calls);
        Assert.Equal(["dogs bark at the mailman", "rockets launch into orbit"], call.Inputs);
        Assert.Equal(new[] { "Dogs", "none" }, (IEnumerable<string>)call.Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.Title]!);

        const string Query = "a rover on the red planet";
        float[] query = FakeEmbeddingGenerator.Embed(Query, Dimensions);
        var expected = new (string Id, float[] Vector)[]
        {
            ("photo", photo), ("clip", clip), ("scan", scan),
            ("note", FakeEmbeddingGenerator.Embed("dogs bark at the mailman", Dimensions)),
            ("text", FakeEmbeddingGenerator.Embed("rockets launch into orbit", Dimensions)),
        }.Select(r => (r.Id, Score: TestVectors.Dot(query, r.Vector))).OrderByDescending(r => r.Score).ToList();

        var hits = await collection.SearchAsync(Query, 10).ToListAsync();

        Assert.Equal(expected.Select(r => r.Id), hits.Select(h => (string)h.Record["Id"]!));
        Assert.All(expected.Zip(hits), p => Assert.Equal(p.First.Score, p.Second.Score!.Value, 5));
        Assert.Equal("photo", hits[0].Record["Id"]);
    }

    [Fact]
    public async Task A_given_vector_of_the_wrong_width_is_refused_naming_the_record_and_nothing_of_the_batch_is_stored()
    {
        var generator = new FakeEmbeddingGenerator(Dimensions);
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetDynamicCollection("mixed", Definition(generator));
        await collection.EnsureCollectionExistsAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => collection.UpsertAsync(
        [
            Record("text", "rockets launch into orbit"),
            Record("short", new ReadOnlyMemory<float>(new float[Dimensions - 1])),
        ]));

        Assert.Contains("vector given in record 1 has 15 dimensions; vector property 'Content' has 16", error.Message, StringComparison.Ordinal);
        Assert.Empty(generator.Calls);
        Assert.Empty(await collection.GetAsync(r => true, 10).ToListAsync());
    }

    [Fact]
    public async Task A_batch_of_given_vectors_only_records_the_generator_identity_that_a_later_generator_must_match()
    {
        var first = new IdentifiedEmbeddingGenerator("model-a", Dimensions);
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("media", Definition(first));
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync([Record("photo", FakeEmbeddingGenerator.Embed("red planet", Dimensions))]);
            Assert.Equal(0, first.Calls);
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var other = store.GetDynamicCollection("media", Definition(new IdentifiedEmbeddingGenerator("model-b", Dimensions)));
            var error = await Assert.ThrowsAsync<FaissCollectionMismatchException>(async () => await other.SearchAsync("red planet", 1).ToListAsync());
            Assert.Contains("model-a", error.Message, StringComparison.Ordinal);
            Assert.Contains("model-b", error.Message, StringComparison.Ordinal);

            var same = store.GetDynamicCollection("media", Definition(new IdentifiedEmbeddingGenerator("model-a", Dimensions)));
            Assert.Equal("photo", (await same.SearchAsync("red planet", 1).SingleAsync()).Record["Id"]);
        }
    }
}
