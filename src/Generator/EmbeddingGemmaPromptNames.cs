namespace SkEmbeddingGemma;

/// <summary>
/// The prompt names EmbeddingGemma knows: the roles <see cref="Query"/> and <see cref="Document"/>, the task names of
/// its <c>config_sentence_transformers.json</c>, and the model card's question answering and fact checking prompts.
/// </summary>
/// <remarks>
/// Names match exactly first and then case-insensitively. A model folder's <c>config_sentence_transformers.json</c>
/// may add names or override these prompts.
/// </remarks>
public static class EmbeddingGemmaPromptNames
{
    /// <summary>A search query: <c>task: search result | query: </c>.</summary>
    public const string Query = "query";

    /// <summary>A document to be retrieved: <c>title: {title or none} | text: </c>.</summary>
    public const string Document = "document";

    /// <summary>Bitext mining: <c>task: search result | query: </c>.</summary>
    public const string BitextMining = "BitextMining";

    /// <summary>Clustering: <c>task: clustering | query: </c>.</summary>
    public const string Clustering = "Clustering";

    /// <summary>Classification: <c>task: classification | query: </c>.</summary>
    public const string Classification = "Classification";

    /// <summary>Code retrieval from a natural-language instruction: <c>task: code retrieval | query: </c>.</summary>
    public const string InstructionRetrieval = "InstructionRetrieval";

    /// <summary>Multi-label classification: <c>task: classification | query: </c>.</summary>
    public const string MultilabelClassification = "MultilabelClassification";

    /// <summary>Pair classification: <c>task: sentence similarity | query: </c>.</summary>
    public const string PairClassification = "PairClassification";

    /// <summary>Reranking: <c>task: search result | query: </c>.</summary>
    public const string Reranking = "Reranking";

    /// <summary>Retrieval: <c>task: search result | query: </c>.</summary>
    public const string Retrieval = "Retrieval";

    /// <summary>The query side of retrieval: <c>task: search result | query: </c>.</summary>
    public const string RetrievalQuery = "Retrieval-query";

    /// <summary>The document side of retrieval: <c>title: none | text: </c>.</summary>
    public const string RetrievalDocument = "Retrieval-document";

    /// <summary>Semantic textual similarity: <c>task: sentence similarity | query: </c>.</summary>
    public const string SemanticTextualSimilarity = "STS";

    /// <summary>Summarization: <c>task: summarization | query: </c>.</summary>
    public const string Summarization = "Summarization";

    /// <summary>Question answering (model card): <c>task: question answering | query: </c>.</summary>
    public const string QuestionAnswering = "QuestionAnswering";

    /// <summary>Fact checking (model card): <c>task: fact checking | query: </c>.</summary>
    public const string FactChecking = "FactChecking";

    /// <summary>Code retrieval (model card name of <see cref="InstructionRetrieval"/>): <c>task: code retrieval | query: </c>.</summary>
    public const string CodeRetrieval = "CodeRetrieval";

    /// <summary>Whether a prompt name is a document role (<see cref="Document"/> or <see cref="RetrievalDocument"/>), whose prompt carries a title.</summary>
    /// <param name="promptName">The prompt name; compared case-insensitively.</param>
    /// <returns><see langword="true"/> for a document role.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="promptName"/> is null.</exception>
    public static bool IsDocumentRole(string promptName)
    {
        ArgumentNullException.ThrowIfNull(promptName);
        return Prompts.PromptCatalog.IsDocumentRole(promptName);
    }
}
