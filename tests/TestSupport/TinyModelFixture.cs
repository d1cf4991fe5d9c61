
namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// The project's tiny random-weight EmbeddingGemma (exact architecture and I/O) with the real Gemma 3 tokenizer framed
/// as EmbeddingGemma's (<c>&lt;bos&gt; $A &lt;eos&gt;</c>), and one generator over it shared by a test class.
/// </summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        ModelDirectory = TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
        Generator = new EmbeddingGemmaGenerator(ModelDirectory, new EmbeddingGemmaGeneratorOptions { MaxBatchSize = 4 });
    }

    public string ModelDirectory { get; }

    public EmbeddingGemmaGenerator Generator { get; }

    public void Dispose() => Generator.Dispose();
}
