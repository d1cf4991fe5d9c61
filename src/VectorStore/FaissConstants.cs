namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Names shared by the FAISS connector.</summary>
internal static class FaissConstants
{
    /// <summary>The value of <see cref="Microsoft.Extensions.VectorData.VectorStoreMetadata.VectorStoreSystemName"/>.</summary>
    internal const string VectorStoreSystemName = "faiss";

    /// <summary>The SQLite table that lists collections.</summary>
    internal const string CollectionsTable = "__sk_faiss_collections";

    /// <summary>The internal row id column (the FAISS id); never reused, so stale index snapshots cannot alias.</summary>
    internal const string IdColumn = "_fid";

    // EmbeddingGemma's AdditionalProperties keys (SkEmbeddingGemma.EmbeddingGemmaPropertyNames), spelled here so the
    // connector works with any generator without depending on the EmbeddingGemma package; VectorStore.Tests
    // (EmbeddingGenerationTests) asserts the keys it sends against EmbeddingGemmaPropertyNames.

    /// <summary>The key of the prompt name in <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.AdditionalProperties"/>.</summary>
    internal const string PromptNameProperty = "prompt_name";

    /// <summary>The key of the per-record titles in <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.AdditionalProperties"/>.</summary>
    internal const string TitleProperty = "title";

    /// <summary>Prompt name sent with stored texts.</summary>
    internal const string DocumentPrompt = "document";

    /// <summary>Prompt name sent with search texts.</summary>
    internal const string QueryPrompt = "query";

    /// <summary>Title sent for documents without one.</summary>
    internal const string NoTitle = "none";
}
