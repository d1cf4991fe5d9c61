namespace SkEmbeddingGemma.Quantization;

/// <summary>Settings of <see cref="OnnxDynamicQuantizer"/>.</summary>
public sealed record OnnxDynamicQuantizerOptions
{
    /// <summary>Gets the form of the quantized MatMuls; the default is <see cref="QuantizedMatMulFormat.DynamicQuantizeMatMul"/>.</summary>
    public QuantizedMatMulFormat Format { get; init; } = QuantizedMatMulFormat.DynamicQuantizeMatMul;

    /// <summary>Gets a value indicating whether each output column gets its own scale (the default) rather than one per tensor: same speed, much less error.</summary>
    public bool PerChannel { get; init; } = true;
}
