namespace SkEmbeddingGemma;

/// <summary>Where an <see cref="EmbeddingGemmaModel"/> stands.</summary>
public enum EmbeddingGemmaModelStatus
{
    /// <summary>Nothing has asked for the model yet.</summary>
    NotLoaded,

    /// <summary>The model is being located and loaded.</summary>
    Loading,

    /// <summary>The model is loaded and serves calls.</summary>
    Loaded,

    /// <summary>The last load failed; the next call tries again.</summary>
    Failed,
}
