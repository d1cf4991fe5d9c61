using SkEmbeddingGemma.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>One tiny model (float32 + float16 graphs), its ORT session and its reference, shared by a test class.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public const int Seed = 1234;

    public TinyModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "skeg-modelfactory-" + Guid.NewGuid().ToString("N"));
        EmbeddingGemmaModelWriter.Write(Directory, GemmaEncoderConfig.Tiny, Seed, tokenizerDirectory: null, ModelVariants.Float32 | ModelVariants.Float16);
        Session = OrtRunner.Open(Path.Combine(Directory, "onnx", "model.onnx"));
        Reference = new GemmaEncoderReference(GemmaEncoderConfig.Tiny, Seed);
    }

    public string Directory { get; }

    internal InferenceSession Session { get; }

    public GemmaEncoderReference Reference { get; }

    public void Dispose()
    {
        Session.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
