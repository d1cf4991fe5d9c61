using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.VectorData.Faiss;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// The FAISS store and collections registered in DI next to EmbeddingGemma: the real model embeds, the real FAISS index
/// searches, and the scores must equal the inner products of the correctly prompted vectors computed here.
/// </summary>
public sealed class FaissRegistrationTests
{
    private const string Question = SamplePassages.Question;

    private static readonly string[] s_passages = SamplePassages.Texts;

    [Fact]
    public async Task AddFaissVectorStore_embeds_stored_text_as_documents_and_searches_as_queries_with_the_DI_generator()
    {
        using var temp = new TempFolder();
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory);
        services.AddFaissVectorStore(Path.Combine(temp.Path, "docs.db"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<VectorStore>();
        Assert.Same(provider.GetRequiredService<FaissVectorStore>(), store);
        var collection = store.GetCollection<string, Passage>("passages");

        Dictionary<string, double> scores = await UpsertAndSearchAsync(collection);

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await AssertPromptedScoresAsync(generator, scores);
    }

    [Fact]
    public async Task AddFaissCollection_registers_the_collection_as_VectorStoreCollection_and_IVectorSearchable_and_the_container_saves_its_index()
    {
        using var temp = new TempFolder();
        string database = Path.Combine(temp.Path, "docs.db");
        string indexPath;
        Dictionary<string, double> before;
        await using (ServiceProvider provider = NewCollectionServices(database).BuildServiceProvider())
        {
            var collection = provider.GetRequiredService<VectorStoreCollection<string, Passage>>();
            var faiss = provider.GetRequiredService<FaissCollection<string, Passage>>();
            Assert.Same(faiss, collection);
            Assert.Same(faiss, provider.GetRequiredService<IVectorSearchable<Passage>>());
            Assert.Same(faiss, provider.GetRequiredService<IKeywordHybridSearchable<Passage>>());
            Assert.Equal("passages", collection.Name);
            before = await UpsertAndSearchAsync(collection);
            await AssertPromptedScoresAsync(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), before);
            indexPath = faiss.IndexPath;
            Assert.False(File.Exists(indexPath), "four records are below the snapshot threshold, so only disposal writes the index");
        }

        Assert.True(File.Exists(indexPath));
        await using (ServiceProvider reopened = NewCollectionServices(database).BuildServiceProvider())
        {
            var searchable = reopened.GetRequiredService<IVectorSearchable<Passage>>();
            Dictionary<string, double> after = await SearchAsync(searchable);
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public async Task AddKeyedFaissVectorStore_uses_the_generator_registered_under_its_key()
    {
        using var temp = new TempFolder();
        var services = new ServiceCollection();
        // The unkeyed generator makes 32-d vectors: a 64-d collection fails if the keyed store picked it instead of "full".
        services.AddEmbeddingGemma(o => (o.ModelPath, o.Dimensions) = (TinyModel.Directory, 32));
        services.AddKeyedEmbeddingGemma("full", o => o.ModelPath = TinyModel.Directory);
        services.AddKeyedFaissVectorStore("full", Path.Combine(temp.Path, "docs.db"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<VectorStore>());
        var store = provider.GetRequiredKeyedService<VectorStore>("full");
        Assert.Same(provider.GetRequiredKeyedService<FaissVectorStore>("full"), store);
        Dictionary<string, double> scores = await UpsertAndSearchAsync(store.GetCollection<string, Passage>("passages"));

        await AssertPromptedScoresAsync(provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("full"), scores);
    }

    [Fact]
    public async Task Options_from_the_provider_are_copied_and_an_explicit_generator_wins_over_the_DI_one()
    {
        using var temp = new TempFolder();
        var shared = new FaissVectorStoreOptions { CollectionDefaults = new() { SnapshotThreshold = 2 } };
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory);
        services.AddKeyedFaissVectorStore("shared", Path.Combine(temp.Path, "a.db"), _ => shared);
        RecordingEmbeddingGenerator? recorder = null;
        services.AddKeyedFaissVectorStore("explicit", Path.Combine(temp.Path, "b.db"), sp =>
            new() { EmbeddingGenerator = recorder = new RecordingEmbeddingGenerator(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()) });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var sharedCollection = provider.GetRequiredKeyedService<VectorStore>("shared").GetCollection<string, Passage>("passages");
        await UpsertAndSearchAsync(sharedCollection);
        Assert.Null(shared.EmbeddingGenerator);
        Assert.True(File.Exists(((FaissCollection<string, Passage>)sharedCollection).IndexPath), "the copied CollectionDefaults' snapshot threshold applies");

        await UpsertAndSearchAsync(provider.GetRequiredKeyedService<VectorStore>("explicit").GetCollection<string, Passage>("passages"));
        Assert.NotNull(recorder);
        Assert.Equal(["document", "query"], recorder.Calls.Select(c => c.PromptName));
    }

    [Fact]
    public void Registration_rejects_a_missing_database_path_or_collection_name_naming_the_argument()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>("databasePath", () => services.AddFaissVectorStore((string)null!));
        Assert.Throws<ArgumentException>("databasePath", () => services.AddFaissVectorStore(""));
        Assert.Throws<ArgumentException>("databasePath", () => services.AddKeyedFaissVectorStore("k", "  "));
        Assert.Throws<ArgumentNullException>("databasePathProvider", () => services.AddFaissVectorStore((Func<IServiceProvider, string>)null!));
        Assert.Throws<ArgumentException>("databasePath", () => services.AddFaissCollection<string, Passage>("passages", " "));
        Assert.Throws<ArgumentException>("name", () => services.AddFaissCollection<string, Passage>("", "docs.db"));
        Assert.Throws<ArgumentNullException>("services", () => FaissServiceCollectionExtensions.AddFaissVectorStore(null!, "docs.db"));
        Assert.Empty(services);
    }

    [Fact]
    public async Task A_path_provider_that_returns_a_blank_path_fails_at_resolution_with_an_ArgumentException()
    {
        var services = new ServiceCollection();
        services.AddFaissVectorStore(_ => "");
        services.AddFaissCollection<string, Passage>("passages", _ => null!);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var storeError = Assert.Throws<ArgumentException>("databasePathProvider", () => provider.GetRequiredService<VectorStore>());
        Assert.Contains("FAISS database path", storeError.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("databasePathProvider", () => provider.GetRequiredService<VectorStoreCollection<string, Passage>>());
    }

    private static ServiceCollection NewCollectionServices(string database)
    {
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory);
        services.AddFaissCollection<string, Passage>("passages", database);
        return services;
    }

    private static async Task<Dictionary<string, double>> UpsertAndSearchAsync(VectorStoreCollection<string, Passage> collection)
    {
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(s_passages.Select((text, i) => new Passage { Id = $"p{i}", Text = text }));
        return await SearchAsync(collection);
    }

    private static async Task<Dictionary<string, double>> SearchAsync(IVectorSearchable<Passage> collection)
    {
        var results = await collection.SearchAsync(Question, s_passages.Length).ToListAsync();
        return results.ToDictionary(r => r.Record.Text, r => r.Score!.Value, StringComparer.Ordinal);
    }

    private static async Task AssertPromptedScoresAsync(IEmbeddingGenerator<string, Embedding<float>> generator, Dictionary<string, double> actual)
    {
        Dictionary<string, float> expected = await PromptedScores.ComputeAsync(generator, Question, s_passages);
        Dictionary<string, float> unprompted = await PromptedScores.ComputeAsync(generator, Question, s_passages, asDocuments: false);
        Assert.Equal(s_passages.Length, actual.Count);
        foreach (string passage in s_passages)
        {
            Assert.Equal(expected[passage], actual[passage], 1e-5);
            // The check can fail: stored text embedded with the query prompt would score differently.
            Assert.NotEqual(unprompted[passage], actual[passage], 1e-4);
        }
    }
}
