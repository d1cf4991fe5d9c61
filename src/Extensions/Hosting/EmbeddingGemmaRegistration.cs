namespace SkEmbeddingGemma;

/// <summary>Marks one <c>AddEmbeddingGemma</c> registration, so the warm-up service can find every model.</summary>
internal sealed record EmbeddingGemmaRegistration(object? ServiceKey);
