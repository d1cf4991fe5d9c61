using SkEmbeddingGemma.Quantization.Onnx;
using static SkEmbeddingGemma.ModelFactory.OnnxGraphBuilder;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Emits the EmbeddingGemma forward pass as a plain opset-17 ONNX graph with the onnx-community I/O:
/// (input_ids, attention_mask) -> (last_hidden_state, sentence_embedding). Masks and rotary tables are
/// built inside the graph from the dynamic sequence length, so one graph serves any [batch, seq].
/// </summary>
internal sealed class GemmaEncoderGraph
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    private readonly GemmaEncoderConfig _c;
    private readonly ExternalDataWriter _weights;
    private readonly Dictionary<string, WeightSpec> _specs;
    private readonly OnnxGraphBuilder _g = new("embeddinggemma");
    private readonly GemmaGraphOps _ops;
    private readonly bool _float16;

    private GemmaEncoderGraph(GemmaEncoderConfig config, ExternalDataWriter weights)
    {
        _c = config;
        _weights = weights;
        _float16 = weights.ElementType == DataType.Float16;
        _specs = GemmaWeightLayout.Enumerate(config).ToDictionary(s => s.Name, StringComparer.Ordinal);
        _ops = new GemmaGraphOps(_g, config.RmsNormEps);
    }

    public static ModelProto Build(GemmaEncoderConfig config, ExternalDataWriter weights)
    {
        config.Validate();
        return new GemmaEncoderGraph(config, weights).BuildModel();
    }

    private ModelProto BuildModel()
    {
        DataType outputType = _float16 ? DataType.Float16 : DataType.Float;
        _g.AddInput("input_ids", DataType.Int64, "batch_size", "sequence_length")
          .AddInput("attention_mask", DataType.Int64, "batch_size", "sequence_length")
          .AddOutput("last_hidden_state", outputType, "batch_size", "sequence_length", _c.HiddenSize)
          .AddOutput("sentence_embedding", outputType, "batch_size", _c.EmbeddingDimensions);

        // Masks: key j is visible iff attention_mask[b, j] != 0 (and |i - j| <= half window on sliding layers).
        string positions = _ops.Positions("input_ids");
        (string keyValid, string slidingAllowed) = _ops.AttentionMasks(positions, "attention_mask", _c.SlidingHalfWindow);
        string maskFloat = Op("Cast", ["attention_mask"], Attr("to", (long)DataType.Float)); // [B,T]

        string positionsFloat = Op("Cast", [positions], Attr("to", (long)DataType.Float));
        (string Cos, string Sin) localRope = _ops.RopeTables(positionsFloat, _c.HeadDim, _c.RopeLocalBaseFreq);
        (string Cos, string Sin) globalRope = _ops.RopeTables(positionsFloat, _c.HeadDim, _c.RopeTheta);

        // Gemma scales embeddings by sqrt(hidden) as a float32 constant.
        string embedded = Op("Gather", WeightRaw(GemmaWeightLayout.EmbedTokens), "input_ids");
        if (_float16)
        {
            embedded = ToFloat(embedded);
        }

        string x = Op("Mul", embedded, _g.ConstFloat(MathF.Sqrt(_c.HiddenSize)));
        for (int layer = 0; layer < _c.NumHiddenLayers; layer++)
        {
            bool sliding = _c.IsSlidingLayer(layer);
            x = DecoderLayer(x, layer, sliding ? slidingAllowed : keyValid, sliding ? localRope : globalRope);
        }

        string hidden = RmsNorm(x, Weight(GemmaWeightLayout.FinalNorm));

        // sentence-transformers head: masked mean pooling, Dense, Dense, L2 normalize.
        string pooled = _ops.MeanPool(hidden, maskFloat);
        string dense = Op("MatMul", Op("MatMul", pooled, Weight(GemmaWeightLayout.Dense0)), Weight(GemmaWeightLayout.Dense1));
        string embedding = _ops.L2Normalize(dense);

        Output(hidden, "last_hidden_state");
        Output(embedding, "sentence_embedding");
        return _g.Build(IrVersion, OpsetVersion, "SkEmbeddingGemma.ModelFactory", EmbeddingGemmaModelWriter.GeneratorVersion);
    }

    private string DecoderLayer(string x, int layer, string allowed, (string Cos, string Sin) rope)
    {
        int heads = _c.NumAttentionHeads, kvHeads = _c.NumKeyValueHeads, headDim = _c.HeadDim;
        string W(string suffix) => Weight(GemmaWeightLayout.Layer(layer, suffix));

        string h = RmsNorm(x, W("input_layernorm.weight"));

        // Projections -> [B,T,heads,hd]; q_norm/k_norm per head before RoPE; then [B,heads,T,hd].
        string q = Op("MatMul", h, W("self_attn.q_proj.weight"));
        string k = Op("MatMul", h, W("self_attn.k_proj.weight"));
        string v = Op("MatMul", h, W("self_attn.v_proj.weight"));
        q = Rope(Transpose(RmsNorm(Reshape(q, 0, 0, heads, headDim), W("self_attn.q_norm.weight")), 0, 2, 1, 3), rope);
        k = Rope(Transpose(RmsNorm(Reshape(k, 0, 0, kvHeads, headDim), W("self_attn.k_norm.weight")), 0, 2, 1, 3), rope);
        v = Transpose(Reshape(v, 0, 0, kvHeads, headDim), 0, 2, 1, 3);

        string context = _ops.Attention(q, k, v, heads, kvHeads, headDim, allowed, 1f / MathF.Sqrt(_c.QueryPreAttnScalar));
        string attention = Op("MatMul", context, W("self_attn.o_proj.weight"));
        x = Op("Add", x, RmsNorm(attention, W("post_attention_layernorm.weight")));

        string f = RmsNorm(x, W("pre_feedforward_layernorm.weight"));
        string gate = Op("MatMul", f, W("mlp.gate_proj.weight"));
        string up = Op("MatMul", f, W("mlp.up_proj.weight"));
        string mlp = Op("MatMul", Op("Mul", GeluTanh(gate), up), W("mlp.down_proj.weight"));
        return Op("Add", x, RmsNorm(mlp, W("post_feedforward_layernorm.weight")));
    }

    // Gemma 3 RMSNorm: x / sqrt(mean(x^2) + eps) * (1 + w), over the last axis.
    private string RmsNorm(string x, string weight) => _ops.RmsNorm(x, weight, plusOne: true);

    private string GeluTanh(string x) => _ops.GeluTanh(x);

    private string Rope(string x, (string Cos, string Sin) rope) => _ops.Rope(x, rope);

    private string Weight(string name) => _float16 ? ToFloat(WeightRaw(name)) : WeightRaw(name);

    private string WeightRaw(string name)
    {
        _g.AddInitializer(_weights.Write(_specs[name]));
        return name;
    }

    private string ToFloat(string value) => _ops.ToFloat(value);

    private void Output(string value, string name)
    {
        if (_float16)
        {
            _g.NodeNamed("Cast", [value], [name], [Attr("to", (long)DataType.Float16)]);
        }
        else
        {
            _g.NodeNamed("Identity", [value], [name], []);
        }
    }

    private string Op(string opType, params string[] inputs) => _ops.Op(opType, inputs);

    private string Op(string opType, string[] inputs, params AttributeProto[] attributes) => _ops.Op(opType, inputs, attributes);

    private string Reshape(string x, params long[] shape) => _ops.Reshape(x, shape);

    private string Transpose(string x, params long[] perm) => _ops.Transpose(x, perm);

    private string Unsqueeze(string x, params long[] axes) => _ops.Unsqueeze(x, axes);
}
