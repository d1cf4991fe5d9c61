namespace SkEmbeddingGemma;

/// <summary>
/// The ONNX Runtime execution provider an <see cref="EmbeddingGemmaGenerator"/> runs on. Every provider but
/// <see cref="Cpu"/> needs the matching ONNX Runtime package in place of <c>Microsoft.ML.OnnxRuntime</c>; nodes the
/// provider cannot run fall back to the CPU.
/// </summary>
public enum EmbeddingGemmaExecutionProvider
{
    /// <summary>The CPU (the default, in every ONNX Runtime package, and the tested path).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (<c>Microsoft.ML.OnnxRuntime.Gpu</c>), with TF32 math off so results stay float32-exact.</summary>
    Cuda,

    /// <summary>DirectML on Windows (<c>Microsoft.ML.OnnxRuntime.DirectML</c>).</summary>
    DirectML,

    /// <summary>Apple CoreML on macOS and iOS (in <c>Microsoft.ML.OnnxRuntime</c>'s Apple builds).</summary>
    CoreML,

    /// <summary>Intel OpenVINO (<c>Intel.ML.OnnxRuntime.OpenVino</c>).</summary>
    OpenVino,
}
