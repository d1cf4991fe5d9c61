using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Data;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.VectorData.Faiss;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// Semantic Kernel's RAG building blocks over the FAISS store registered on a kernel: the store itself gives stored text the
/// document prompt and searches the query prompt, so no role wrapper is needed. The expected passage is the one the
/// correctly prompted vectors rank first, computed here with the generator.
/// </summary>
public sealed class FaissSemanticKernelTests
{
    private const string Question = SamplePassages.Question;

    private static readonly string[] s_passages = SamplePassages.Texts;

    [Fact]
    public async Task TextSearchStore_and_TextSearchProvider_over_the_kernel_FAISS_store_use_the_document_and_query_prompts()
    {
        using var temp = new TempFolder();
        (Kernel kernel, RecordingEmbeddingGenerator recorder) = BuildKernel(temp);
        var store = kernel.GetRequiredService<VectorStore>();
        Assert.IsType<FaissVectorStore>(store);

        // Vector search alone: the store ranks by the prompted inner products.
        using var textStore = new TextSearchStore<string>(store, "rag", TinyModel.Dimensions, new TextSearchStoreOptions { UseHybridSearch = false });
        await textStore.UpsertTextAsync(s_passages);
        string expected = await BestPassageAsync(kernel);
        await TextSearchChecks.AssertSearchAndProviderAsync(textStore, recorder, Question, s_passages, expected);
    }

    [Fact]
    public async Task TextSearchStore_uses_the_FAISS_store_hybrid_search_by_default_so_exact_words_count()
    {
        using var temp = new TempFolder();
        (Kernel kernel, RecordingEmbeddingGenerator recorder) = BuildKernel(temp);
        var store = kernel.GetRequiredService<VectorStore>();

        // TextSearchStore turns to IKeywordHybridSearchable when the collection offers it (its default): the passage that
        // shares the question's words ("capital", "France") ranks first even where the random-weight test model's vectors
        // prefer another one; the vector side still embeds with the document and query prompts.
        using var textStore = new TextSearchStore<string>(store, "rag", TinyModel.Dimensions);
        await textStore.UpsertTextAsync(s_passages);
        string paris = Assert.Single(s_passages, p => p.Contains("France", StringComparison.Ordinal));
        Assert.NotEqual(paris, await BestPassageAsync(kernel));
        await TextSearchChecks.AssertSearchAndProviderAsync(textStore, recorder, Question, s_passages, paris);
    }

    [Fact]
    public async Task VectorStoreTextSearch_over_a_FAISS_collection_ranks_by_the_prompted_inner_products()
    {
        using var temp = new TempFolder();
        (Kernel kernel, RecordingEmbeddingGenerator recorder) = BuildKernel(temp);
        var collection = kernel.GetRequiredService<VectorStore>().GetCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(s_passages.Select((text, i) => new Passage { Id = $"p{i}", Text = text }));

        Dictionary<string, float> scores = await PromptedScores.ComputeAsync(Generator(kernel), Question, s_passages);
        List<string> expected = [.. s_passages.OrderByDescending(p => scores[p])];
        var options = new TextSearchOptions { Top = s_passages.Length };

        // Without a generator, VectorStoreTextSearch hands the text to the collection, which embeds it as a query.
        var byCollection = new VectorStoreTextSearch<Passage>(collection);
        Assert.Equal(expected, await (await byCollection.SearchAsync(Question, options)).Results.ToListAsync());

        // CreateTextSearch embeds the query itself, with the query prompt.
        VectorStoreTextSearch<Passage> byGenerator = Generator(kernel).CreateTextSearch(collection);
        Assert.Equal(expected, await (await byGenerator.SearchAsync(Question, options)).Results.ToListAsync());

        var calls = recorder.Calls.ToArray();
        Assert.Equal(["document", "query"], calls.Select(c => c.PromptName));
    }

    [Fact]
    public async Task A_keyed_kernel_store_embeds_with_the_generator_of_its_key()
    {
        using var temp = new TempFolder();
        Kernel kernel = Kernel.CreateBuilder()
            .AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory, serviceKey: "gemma")
            .AddFaissVectorStore(Path.Combine(temp.Path, "keyed.db"), serviceKey: "gemma")
            .Build();

        // No unkeyed generator exists: embedding the text works only through the keyed one.
        Assert.Null(kernel.Services.GetService<IEmbeddingGenerator>());
        var store = Assert.IsType<FaissVectorStore>(kernel.Services.GetRequiredKeyedService<VectorStore>("gemma"));
        var collection = store.GetCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(s_passages.Select((text, i) => new Passage { Id = $"p{i}", Text = text }));
        VectorSearchResult<Passage> top = await collection.SearchAsync(Question, 1).SingleAsync();

        var generator = kernel.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("gemma");
        Dictionary<string, float> scores = await PromptedScores.ComputeAsync(generator, Question, s_passages);
        Assert.Equal(scores.MaxBy(p => p.Value).Key, top.Record.Text);
        Assert.Equal(scores[top.Record.Text], top.Score!.Value, 1e-5);
    }

    private static (Kernel Kernel, RecordingEmbeddingGenerator Recorder) BuildKernel(TempFolder temp)
    {
        RecordingEmbeddingGenerator? recorder = null;
        IKernelBuilder builder = Kernel.CreateBuilder()
            .AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory)
            .AddFaissVectorStore(Path.Combine(temp.Path, "rag.db"), sp => new()
            {
                EmbeddingGenerator = recorder = new RecordingEmbeddingGenerator(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()),
            });
        Kernel kernel = builder.Build();
        _ = kernel.GetRequiredService<VectorStore>();
        return (kernel, recorder!);
    }

    private static IEmbeddingGenerator<string, Embedding<float>> Generator(Kernel kernel) =>
        kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    private static async Task<string> BestPassageAsync(Kernel kernel)
    {
        Dictionary<string, float> scores = await PromptedScores.ComputeAsync(Generator(kernel), Question, s_passages);
        return scores.MaxBy(p => p.Value).Key;
    }
}
