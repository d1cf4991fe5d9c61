using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Data;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>The RAG round trip through Semantic Kernel's text search, after the passages were stored through <c>recorder</c>.</summary>
public static class TextSearchChecks
{
    /// <summary>
    /// Checks that <paramref name="search"/> returns <paramref name="expected"/> first, that <see cref="TextSearchProvider"/>
    /// puts it in the model's context, and that the model saw the passages once with the document prompt, then the question
    /// twice with the query prompt.
    /// </summary>
    public static async Task AssertSearchAndProviderAsync(
        ITextSearch search, RecordingEmbeddingGenerator recorder, string question, IReadOnlyList<string> passages, string expected)
    {
        List<string> top = await (await search.SearchAsync(question, new TextSearchOptions { Top = 1 })).Results.ToListAsync();
        Assert.Equal([expected], top);

        var provider = new TextSearchProvider(search, options: new TextSearchProviderOptions { Top = 1 });
        AIContext context = await provider.ModelInvokingAsync([new ChatMessage(ChatRole.User, question)]);
        Assert.Contains(expected, context.Instructions, StringComparison.Ordinal);

        var calls = recorder.Calls.ToArray();
        Assert.Equal(3, calls.Length);
        Assert.Equal("document", calls[0].PromptName);
        Assert.Equal(passages, calls[0].Values);
        Assert.Equal(("query", question), (calls[1].PromptName, calls[1].Values.Single()));
        Assert.Equal(("query", question), (calls[2].PromptName, calls[2].Values.Single()));
    }
}
