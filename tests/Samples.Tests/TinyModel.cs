using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>The cached tiny random-weight EmbeddingGemma (64 dimensions, real Gemma 3 tokenizer) the samples run on.</summary>
internal static class TinyModel
{
    public static string Directory { get; } = TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
}
