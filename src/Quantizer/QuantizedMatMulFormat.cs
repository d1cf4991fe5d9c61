namespace SkEmbeddingGemma.Quantization;

/// <summary>How a quantized MatMul is written.</summary>
public enum QuantizedMatMulFormat
{
    /// <summary>
    /// One com.microsoft <c>DynamicQuantizeMatMul</c> node (uint8 activations quantized at run time, int8 weights).
    /// ONNX Runtime only, and what its optimizer turns the other form into anyway.
    /// </summary>
    DynamicQuantizeMatMul,

    /// <summary>
    /// Standard ONNX ops, as onnxruntime's <c>quantize_dynamic</c> writes them:
    /// <c>DynamicQuantizeLinear</c> → <c>MatMulInteger</c> → <c>Cast</c> → <c>Mul</c> by activation scale × weight scale.
    /// </summary>
    MatMulInteger,
}
