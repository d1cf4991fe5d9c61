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

    /// <summary>
    /// One com.microsoft <c>MatMulNBits</c> node with 4-bit weights in blocks of 32 along K (one scale per block, zero
    /// point 8) and int8 compute (<c>accuracy_level</c> 4): the form of onnx-community's <c>model_q4</c> graphs. Coarser
    /// than int8.
    /// </summary>
    MatMulNBits4,
}
