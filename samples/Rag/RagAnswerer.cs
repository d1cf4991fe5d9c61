using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;

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

    public static async Task AnswerAsync(
        Kernel kernel, VectorStoreCollection<string, DocumentChunk> collection, string question, int top, bool useChat, TextWriter output,
        CancellationToken cancellationToken)
    {
        List<VectorSearchResult<DocumentChunk>> hits = await collection.SearchAsync(question, top, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        output.WriteLine($"Q: {question}");
        for (int i = 0; i < hits.Count; i++)
        {
            output.WriteLine($"  {i + 1}. {hits[i].Score:F6} {hits[i].Record.Source}: {Snippet(hits[i].Record.Text)}");
        }

        if (!useChat)
        {
            return;
        }

        string context = string.Join("\n\n", hits.Select(h => $"[{h.Record.Source}]\n{h.Record.Text}"));
        FunctionResult answer = await kernel.InvokePromptAsync(
            PromptTemplate, new KernelArguments { ["context"] = context, ["question"] = question }, cancellationToken: cancellationToken);
        output.WriteLine($"A: {answer}");
    }

    private static string Snippet(string text)
    {
        string line = string.Join(' ', text.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= SnippetLength ? line : line[..SnippetLength] + "…";
    }
}
