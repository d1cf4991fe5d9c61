using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>
/// A hand-written chat model: first turn, it calls the search tool it was offered with the user's question; once the tool
/// result is in the history, it answers with that result.
/// </summary>
public sealed class FakeSearchingChatClient : IChatClient
{
    public List<string> OfferedTools { get; } = [];

    public List<string> ToolResults { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> history = messages.ToList();
        FunctionResultContent? result = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault();
        if (result is not null)
        {
            // What a real model would read: the tool's result as JSON.
            string text = result.Result as string ?? System.Text.Json.JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions);
            ToolResults.Add(text);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "From the search: " + text)));
        }

        AIFunction search = (options?.Tools ?? []).OfType<AIFunction>().First(t => t.Name.Contains("GetTextSearchResults", StringComparison.Ordinal));
        OfferedTools.AddRange((options?.Tools ?? []).Select(t => t.Name));
        string question = history.Last(m => m.Role == ChatRole.User).Text;
        var call = new FunctionCallContent("call-1", search.Name, new Dictionary<string, object?> { ["query"] = question });
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null :
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake-searching-chat") :
        serviceType.IsInstanceOfType(this) ? this :
        null;

    public void Dispose()
    {
    }
}
