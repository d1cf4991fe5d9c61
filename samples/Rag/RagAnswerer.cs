using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;
using SkEmbeddingGemma;

namespace Rag;

/// <summary>Retrieves the passages closest to a question and, with a chat model on the kernel, has it answer from them.</summary>
public static class RagAnswerer
{
    // Message tags make Semantic Kernel send a system and a user message; it decodes the (HTML-encoded) variables inside them.
    private const string PromptTemplate = """
        <message role="system">Answer the question using only the passages below, citing their file names in brackets. If they do not contain the answer, say so.

        {{$context}}</message>
        <message role="user">{{$question}}</message>
        """;

    // Characters of a passage shown in the retrieval listing.
    private const int SnippetLength = 160;

    /// <summary>Lists the passages closest to <paramref name="question"/> and, with <paramref name="chat"/>, prints the chat model's answer from them.</summary>
    /// <exception cref="ChatEndpointException">The chat endpoint could not be reached or refused the request.</exception>
    public static async Task AnswerAsync(
        Kernel kernel, VectorStoreCollection<string, DocumentChunk> collection, string question, int top, ChatSettings? chat, TextWriter output,
        CancellationToken cancellationToken)
    {
        List<VectorSearchResult<DocumentChunk>> hits = await collection.SearchAsync(question, top, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        output.WriteLine($"Q: {question}");
        for (int i = 0; i < hits.Count; i++)
        {
            output.WriteLine($"  {i + 1}. {hits[i].Score:F6} {hits[i].Record.Source}: {Snippet(hits[i].Record.Text)}");
        }

        if (chat is null)
        {
            return;
        }

        string context = string.Join("\n\n", hits.Select(h => $"[{h.Record.Source}]\n{h.Record.Text}"));
        FunctionResult answer;
        try
        {
            answer = await kernel.InvokePromptAsync(
                PromptTemplate, new KernelArguments { ["context"] = context, ["question"] = question }, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The client's retries end in an AggregateException of one failure per try: name the endpoint and the cause once.
            throw new ChatEndpointException(
                $"The chat endpoint {chat.EndpointText} (model {chat.Model}) did not answer: {EmbeddingGemmaErrorText.Describe(e)}", e);
        }

        output.WriteLine($"A: {answer}");
    }

    private static string Snippet(string text)
    {
        string line = string.Join(' ', text.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= SnippetLength ? line : line[..SnippetLength] + "…";
    }
}
