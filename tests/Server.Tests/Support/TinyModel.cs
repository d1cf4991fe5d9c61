using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>The project's tiny random-weight EmbeddingGemma (64 dimensions, real Gemma 3 tokenizer), built once per machine.</summary>
public static class TinyModel
{
    private static readonly Lazy<string> s_directory = new(() => TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory));

    public const int Dimensions = 64;

    public static string Directory => s_directory.Value;

    public static string EmbeddingGemma2Directory => s_embeddingGemma2.Value;

    private static readonly Lazy<string> s_embeddingGemma2 = new(TestModels.EnsureTinyEmbeddingGemma2Model);
}
