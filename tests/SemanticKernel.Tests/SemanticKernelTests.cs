using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Data;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// Semantic Kernel's text search over a VectorData store, with EmbeddingGemma's prompts on the right sides. The tiny model
/// has random weights, so "the right passage" is the one that the correctly-prompted vectors rank first, computed
/// directly with the generator; the tests assert the prompts that reached the model and that SK returns that passage.
/// </summary>
public sealed class SemanticKernelTests
{
    private static readonly string[] s_passages = SamplePassages.Texts;

    private const string Question = "Paris is the capital and largest city of France.";

    [Fact]
    public async Task VectorStoreTextSearch_embeds_records_as_documents_and_the_search_as_a_query()
    {
        await using ServiceProvider provider = NewServices().BuildServiceProvider();
        var recorder = new RecordingEmbeddingGenerator(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var store = new TestVectorStore(recorder.AsDocumentGenerator());
        var collection = store.GetCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(s_passages.Select((text, i) => new Passage { Id = $"p{i}", Text = text }));

        VectorStoreTextSearch<Passage> search = recorder.CreateTextSearch(collection);
        KernelSearchResults<TextSearchResult> results = await search.GetTextSearchResultsAsync(Question, new TextSearchOptions { Top = 4 });
        List<TextSearchResult> ranked = await results.Results.ToListAsync();

        Assert.Equal(await ExpectedRankingAsync(recorder), ranked.Select(r => r.Value));
        var calls = recorder.Calls.ToArray();
        Assert.Equal(("document", 4), (calls[0].PromptName, calls[0].Values.Length));
        Assert.Equal("query", calls[1].PromptName);
        Assert.Equal([Question], calls[1].Values);
    }

    [Fact]
    public async Task TextSearchStore_and_TextSearchProvider_use_the_document_prompt_to_store_and_the_query_prompt_to_search()
    {
        await using ServiceProvider provider = NewServices().BuildServiceProvider();
        var recorder = new RecordingEmbeddingGenerator(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        using var store = new TestVectorStore(recorder.AsDocumentGenerator());
        using var textStore = new TextSearchStore<string>(store, "rag", TinyModel.Dimensions);
        await textStore.UpsertTextAsync(s_passages);
        ITextSearch search = textStore.WithQueryPrompt();

        string expected = (await ExpectedRankingAsync(recorder))[0];
        await TextSearchChecks.AssertSearchAndProviderAsync(search, recorder, Question, s_passages, expected);
    }

    [Fact]
    public async Task Kernel_function_calling_invokes_the_search_plugin_and_gets_the_right_passage()
    {
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory);
        var chat = new FakeSearchingChatClient();
        // SK invokes kernel functions for an IChatClient through its function-invoking middleware.
        builder.Services.AddSingleton(new ChatClientBuilder(chat).UseKernelFunctionInvocation().Build());
        Kernel kernel = builder.Build();

        var generator = kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var recorder = new RecordingEmbeddingGenerator(generator);
        var store = new TestVectorStore(recorder.AsDocumentGenerator());
        var collection = store.GetCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(s_passages.Select((text, i) => new Passage { Id = $"p{i}", Text = text }));
        kernel.Plugins.Add(recorder.CreateTextSearch(collection).CreateWithGetTextSearchResults("SearchPlugin"));

        FunctionResult answer = await kernel.InvokePromptAsync(
            Question, new KernelArguments(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        string expected = (await ExpectedRankingAsync(recorder))[0];
        Assert.Contains(chat.OfferedTools, t => t.Contains("SearchPlugin", StringComparison.Ordinal));
        Assert.Single(chat.ToolResults);
        Assert.Contains(expected, chat.ToolResults[0], StringComparison.Ordinal);
        Assert.Contains(expected, answer.ToString(), StringComparison.Ordinal);
        Assert.Contains(recorder.Calls, c => c.PromptName == "query" && c.Values is [Question]);
    }

    private static ServiceCollection NewServices()
    {
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory);
        return services;
    }

    /// <summary>The passages ranked by cosine between the query-prompted question and the document-prompted passages.</summary>
    private static async Task<List<string>> ExpectedRankingAsync(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var inner = generator.GetService<EmbeddingGemmaGenerator>()!;
        Embedding<float> query = await inner.GenerateQueryEmbeddingAsync(Question);
        GeneratedEmbeddings<Embedding<float>> documents = await inner.GenerateDocumentEmbeddingsAsync(s_passages);
        return s_passages
            .Select((text, i) => (text, score: TensorPrimitives.CosineSimilarity(query.Vector.Span, documents[i].Vector.Span)))
            .OrderByDescending(p => p.score)
            .Select(p => p.text)
            .ToList();
    }
}
