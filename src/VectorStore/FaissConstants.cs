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

    /// <summary>Prompt name sent with stored texts.</summary>
    internal const string DocumentPrompt = "document";

    /// <summary>Prompt name sent with search texts.</summary>
    internal const string QueryPrompt = "query";

    /// <summary>Title sent for documents without one.</summary>
    internal const string NoTitle = "none";
}
