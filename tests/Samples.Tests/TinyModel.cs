using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>
/// The cached tiny random-weight models the samples run on: EmbeddingGemma (64 dimensions, real Gemma 3 tokenizer) and
/// EmbeddingGemma 2 (768 dimensions, 8,192 tokens, the Gemma-4-style test tokenizer).
/// </summary>
internal static class TinyModel
{
    public static string Directory { get; } = TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);

    public static string EmbeddingGemma2Directory => s_embeddingGemma2.Value;

    private static readonly Lazy<string> s_embeddingGemma2 = new(TestModels.EnsureTinyEmbeddingGemma2Model);

    /// <summary>The folder for a test's model family: "v1" (EmbeddingGemma 300m's shape) or "v2" (EmbeddingGemma 2).</summary>
    public static string For(string family) => family switch
    {
        "v1" => Directory,
        "v2" => EmbeddingGemma2Directory,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "v1 or v2"),
    };
}
