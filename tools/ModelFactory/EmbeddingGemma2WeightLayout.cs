namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Names (transformers' <c>EmbeddingGemma2TextModel</c> parameter names, as in <c>modeling_embedding_gemma2.py</c>), shapes and init scales of every EmbeddingGemma 2 text weight.</summary>
internal static class EmbeddingGemma2WeightLayout
{
    // Gemma 4 norms multiply by w itself (not 1 + w): weights near 1 keep activations at scale.
    private const float NormMean = 1f;
    private const float NormStd = 0.1f;

    public const string EmbedTokens = "embed_tokens.weight";
    public const string PerLayerModelProjection = "ple.per_layer_model_projection.weight";
    public const string PerLayerProjectionNorm = "ple.per_layer_projection_norm.weight";
    public const string FinalNorm = "norm.weight";
    public const string EmbeddingProjection = "embedding_projection.weight";

    public static string Layer(int layer, string suffix) => $"layers.{layer}.{suffix}";

    public static IReadOnlyList<WeightSpec> Enumerate(EmbeddingGemma2Config c)
    {
        int h = c.HiddenSize, ple = c.HiddenSizePerLayerInput;
        var specs = new List<WeightSpec>
        {
            // The graph multiplies by sqrt(hidden), so this gives unit-variance inputs to layer 0.
            new(EmbedTokens, [c.VocabSize, h], 1f / MathF.Sqrt(h)),
            Linear(PerLayerModelProjection, h, c.NumHiddenLayers * ple),
            Norm(PerLayerProjectionNorm, ple),
        };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            int headDim = c.LayerHeadDim(i), q = c.NumAttentionHeads * headDim, kv = c.LayerKeyValueHeads(i) * headDim;
            specs.Add(Norm(Layer(i, "input_layernorm.weight"), h));
            specs.Add(Linear(Layer(i, "self_attn.q_proj.weight"), h, q));
            specs.Add(Linear(Layer(i, "self_attn.k_proj.weight"), h, kv));
            specs.Add(Linear(Layer(i, "self_attn.v_proj.weight"), h, kv));
            specs.Add(Norm(Layer(i, "self_attn.q_norm.weight"), headDim));
            specs.Add(Norm(Layer(i, "self_attn.k_norm.weight"), headDim));
            specs.Add(Linear(Layer(i, "self_attn.o_proj.weight"), q, h));
            specs.Add(Norm(Layer(i, "post_attention_layernorm.weight"), h));
            specs.Add(Norm(Layer(i, "pre_feedforward_layernorm.weight"), h));
            specs.Add(Linear(Layer(i, "mlp.gate_proj.weight"), h, c.IntermediateSize));
            specs.Add(Linear(Layer(i, "mlp.up_proj.weight"), h, c.IntermediateSize));
            specs.Add(Linear(Layer(i, "mlp.down_proj.weight"), c.IntermediateSize, h));
            specs.Add(Norm(Layer(i, "post_feedforward_layernorm.weight"), h));
            specs.Add(Linear(Layer(i, "ple_block.per_layer_input_gate.weight"), h, ple));
            specs.Add(Linear(Layer(i, "ple_block.per_layer_projection.weight"), ple, h));
            specs.Add(Norm(Layer(i, "ple_block.post_per_layer_input_norm.weight"), h));
            specs.Add(new(Layer(i, "layer_scalar"), [1], NormStd, NormMean));
        }

        specs.Add(Norm(FinalNorm, h));
        specs.Add(Linear(EmbeddingProjection, h, c.EmbeddingDim));
        return specs;
    }

    private static WeightSpec Norm(string name, int size) => new(name, [size], NormStd, NormMean);

    // Stored [in, out] (pre-transposed); 1/sqrt(in) keeps each projection's output variance near its input's.
    private static WeightSpec Linear(string name, int inFeatures, int outFeatures) =>
        new(name, [inFeatures, outFeatures], 1f / MathF.Sqrt(inFeatures));
}
