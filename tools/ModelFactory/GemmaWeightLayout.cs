namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Names, shapes and init scales of every EmbeddingGemma weight, in file order.</summary>
internal static class GemmaWeightLayout
{
    // Norm weights w enter as (1 + w); a small spread exercises the "+1" without distorting activations.
    private const float NormStd = 0.1f;

    public const string EmbedTokens = "embed_tokens.weight";
    public const string FinalNorm = "norm.weight";
    public const string Dense0 = "dense.0.weight";
    public const string Dense1 = "dense.1.weight";

    public static string Layer(int layer, string suffix) => $"layers.{layer}.{suffix}";

    public static IReadOnlyList<WeightSpec> Enumerate(GemmaEncoderConfig c)
    {
        int h = c.HiddenSize, q = c.NumAttentionHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim;
        var specs = new List<WeightSpec>
        {
            // The graph multiplies by sqrt(hidden), so this gives unit-variance inputs to layer 0.
            new(EmbedTokens, [c.VocabSize, h], 1f / MathF.Sqrt(h)),
        };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            specs.Add(new(Layer(i, "input_layernorm.weight"), [h], NormStd));
            specs.Add(Linear(Layer(i, "self_attn.q_proj.weight"), h, q));
            specs.Add(Linear(Layer(i, "self_attn.k_proj.weight"), h, kv));
            specs.Add(Linear(Layer(i, "self_attn.v_proj.weight"), h, kv));
            specs.Add(new(Layer(i, "self_attn.q_norm.weight"), [c.HeadDim], NormStd));
            specs.Add(new(Layer(i, "self_attn.k_norm.weight"), [c.HeadDim], NormStd));
            specs.Add(Linear(Layer(i, "self_attn.o_proj.weight"), q, h));
            specs.Add(new(Layer(i, "post_attention_layernorm.weight"), [h], NormStd));
            specs.Add(new(Layer(i, "pre_feedforward_layernorm.weight"), [h], NormStd));
            specs.Add(Linear(Layer(i, "mlp.gate_proj.weight"), h, c.IntermediateSize));
            specs.Add(Linear(Layer(i, "mlp.up_proj.weight"), h, c.IntermediateSize));
            specs.Add(Linear(Layer(i, "mlp.down_proj.weight"), c.IntermediateSize, h));
            specs.Add(new(Layer(i, "post_feedforward_layernorm.weight"), [h], NormStd));
        }

        specs.Add(new(FinalNorm, [h], NormStd));
        specs.Add(Linear(Dense0, h, c.DenseIntermediateSize));
        specs.Add(Linear(Dense1, c.DenseIntermediateSize, c.EmbeddingDimensions));
        return specs;
    }

    // Stored [in, out] (pre-transposed); 1/sqrt(in) keeps each projection's output variance near its input's.
    private static WeightSpec Linear(string name, int inFeatures, int outFeatures) =>
        new(name, [inFeatures, outFeatures], 1f / MathF.Sqrt(inFeatures));
}
