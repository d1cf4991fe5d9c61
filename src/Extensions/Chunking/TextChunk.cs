namespace SkEmbeddingGemma;

/// <summary>One piece of a text cut by <see cref="EmbeddingGemmaTextChunker"/>.</summary>
/// <param name="Text">The chunk's text, trimmed of surrounding whitespace.</param>
/// <param name="Start">The index in the source text where <paramref name="Text"/> begins.</param>
/// <param name="TokenCount">The chunk's own token count, without prompt and framing.</param>
public sealed record TextChunk(string Text, int Start, int TokenCount);
