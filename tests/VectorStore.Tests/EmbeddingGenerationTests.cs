using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class EmbeddingGenerationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public sealed class Article
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData]
        public string? Headline { get; set; }

        [VectorStoreData]
        public string Body { get; set; } = "";

        [VectorStoreVector(128)]
        public string Text => Body;
    }

    private static List<Article> Articles() =>
    [
        new() { Id = "a", Headline = "Cats", Body = "cats purr and sleep all day" },
        new() { Id = "b", Headline = null, Body = "dogs bark at the mailman" },
        new() { Id = "c", Headline = "Rockets", Body = "rockets launch into orbit" },
    ];

    [Fact]
    public async Task Upsert_embeds_in_one_call_with_document_prompt_and_titles_and_search_uses_query_prompt()
    {
        var generator = new FakeEmbeddingGenerator(128);
        using var store = new FaissVectorStore(_temp.Database);
        var collection = new FaissCollection<string, Article>(
            _temp.Database, "articles", new FaissCollectionOptions { EmbeddingGenerator = generator, TitleProperty = nameof(Article.Headline) });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Articles());

        var call = Assert.Single(generator.Calls);
        Assert.Equal(Articles().Select(a => a.Body), call.Inputs);
        Assert.Equal("document", call.Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.PromptName]);
        Assert.Equal(new[] { "Cats", "none", "Rockets" }, (IEnumerable<string>)call.Options.AdditionalProperties[EmbeddingGemmaPropertyNames.Title]!);

        var result = await collection.SearchAsync("dogs bark", 1).SingleAsync();
        Assert.Equal("b", result.Record.Id);
        var queryCall = generator.Calls[1];
        Assert.Equal(["dogs bark"], queryCall.Inputs);
        Assert.Equal("query", queryCall.Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.PromptName]);
        Assert.False(queryCall.Options.AdditionalProperties.ContainsKey(EmbeddingGemmaPropertyNames.Title));

        // Stored vectors are the generator's document embeddings: exact inner products.
        double expected = TestVectors.Dot(FakeEmbeddingGenerator.Embed("dogs bark", 128), FakeEmbeddingGenerator.Embed(Articles()[1].Body, 128));
        Assert.Equal(expected, result.Score!.Value, 5);
        collection.Dispose();
    }

    [Fact]
    public async Task Without_title_property_every_title_is_none()
    {
        var generator = new FakeEmbeddingGenerator(128);
        using var collection = new FaissCollection<string, Article>(_temp.Database, "articles", new() { EmbeddingGenerator = generator });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Articles());
        Assert.Equal(new[] { "none", "none", "none" }, (IEnumerable<string>)generator.Calls[0].Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.Title]!);
    }

    [Fact]
    public async Task Store_level_generator_is_used()
    {
        var generator = new FakeEmbeddingGenerator(128);
        using var store = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = generator });
        var collection = store.GetCollection<string, Article>("articles");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Articles());
        Assert.Equal("c", (await collection.SearchAsync("rockets orbit", 1).SingleAsync()).Record.Id);
        Assert.Equal(2, generator.Calls.Count);
    }

    [Fact]
    public async Task Property_level_generator_from_definition_is_used()
    {
        var generator = new FakeEmbeddingGenerator(128);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Body", typeof(string)),
                new VectorStoreVectorProperty("Text", typeof(string), 128) { EmbeddingGenerator = generator },
            ],
        };
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetDynamicCollection("dyn", definition);
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Articles().Select(a => new Dictionary<string, object?> { ["Id"] = a.Id, ["Body"] = a.Body, ["Text"] = a.Body }));
        Assert.Single(generator.Calls);
        Assert.Equal("a", (await collection.SearchAsync("cats sleep", 1).SingleAsync()).Record["Id"]);
    }

    [Fact]
    public async Task Search_with_text_on_a_vector_property_uses_the_generator_with_query_prompt()
    {
        var generator = new FakeEmbeddingGenerator(4);
        using var store = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = generator });
        var collection = store.GetCollection<int, Hotel>("hotels");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Hotel.Sample());
        Assert.Empty(generator.Calls);
        Assert.Equal(3, (await collection.SearchAsync("anything", 3).ToListAsync()).Count);
        Assert.Equal("query", generator.Calls.Single().Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.PromptName]);
    }

    [Fact]
    public async Task Include_vectors_with_generated_embeddings_is_not_supported()
    {
        using var collection = new FaissCollection<string, Article>(_temp.Database, "articles", new() { EmbeddingGenerator = new FakeEmbeddingGenerator(128) });
        await collection.EnsureCollectionExistsAsync();
        await Assert.ThrowsAsync<NotSupportedException>(() => collection.GetAsync("a", new() { IncludeVectors = true }));
    }

    [Fact]
    public void String_vector_without_generator_is_rejected()
        => Assert.ThrowsAny<Exception>(() => new FaissCollection<string, Article>(_temp.Database, "articles"));

    [Fact]
    public async Task Search_with_unsupported_input_type_throws()
    {
        using var collection = new FaissCollection<int, Hotel>(_temp.Database, "hotels");
        await collection.EnsureCollectionExistsAsync();
        await Assert.ThrowsAsync<NotSupportedException>(async () => await collection.SearchAsync("text without generator", 1).ToListAsync());
        await Assert.ThrowsAsync<NotSupportedException>(async () => await collection.SearchAsync(new double[4], 1).ToListAsync());
    }
}
