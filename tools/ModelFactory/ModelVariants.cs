using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Which ONNX files <see cref="EmbeddingGemmaModelWriter"/> writes into <c>onnx/</c>.</summary>
[Flags]
public enum ModelVariants
{
    /// <summary>No graph (configuration and tokenizer files only).</summary>
    None = 0,

    /// <summary><c>onnx/model.onnx</c> + <c>onnx/model.onnx_data</c>: float32 weights and outputs.</summary>
    Float32 = 1,

    /// <summary>
    /// <c>onnx/model_fp16.onnx</c> + <c>onnx/model_fp16.onnx_data</c>: float16 weights and float16 outputs
    /// (computed in float32 inside); exists so consumers can test that they refuse it.
    /// </summary>
    Float16 = 2,

    /// <summary>
    /// <c>onnx/model_quantized.onnx</c> + <c>onnx/model_quantized.onnx_data</c>: the float32 graph run through
    /// <see cref="OnnxDynamicQuantizer"/> (int8 weights, dynamically quantized activations); the float32 files are
    /// written too only when <see cref="Float32"/> is also set.
    /// </summary>
    Int8 = 4,
}
