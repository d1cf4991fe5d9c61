
namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// The project's tiny random-weight EmbeddingGemma 2 text folder (onnx-community layout and I/O, the real 262,144-row
/// vocabulary) with the Gemma-4-style test tokenizer, and one generator over it shared by a test class.
/// </summary>
public sealed class TinyEmbeddingGemma2Fixture : IDisposable
{
    public TinyEmbeddingGemma2Fixture()
    {
        ModelDirectory = TestModels.EnsureTinyEmbeddingGemma2Model();
        Generator = new EmbeddingGemmaGenerator(ModelDirectory, new EmbeddingGemmaGeneratorOptions { MaxBatchSize = 4 });
    }

    public string ModelDirectory { get; }

    public EmbeddingGemmaGenerator Generator { get; }

    public void Dispose() => Generator.Dispose();
}
