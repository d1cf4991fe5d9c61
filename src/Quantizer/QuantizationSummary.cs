namespace SkEmbeddingGemma.Quantization;

/// <summary>What <see cref="OnnxDynamicQuantizer.Quantize"/> did.</summary>
/// <param name="QuantizedMatMuls">MatMul nodes replaced (B was a 2-D float initializer).</param>
/// <param name="FloatMatMuls">MatMul nodes left in float (activation × activation, such as attention scores).</param>
/// <param name="ModelBytes">Size of the written <c>.onnx</c> file.</param>
/// <param name="DataBytes">Size of the written external-data file (0 when every tensor is inline).</param>
public sealed record QuantizationSummary(int QuantizedMatMuls, int FloatMatMuls, long ModelBytes, long DataBytes);
