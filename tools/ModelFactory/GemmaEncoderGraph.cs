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

    // Finite "minus infinity": a row whose window holds only padding softmaxes to uniform weights
    // instead of NaN, and mean pooling then multiplies it by zero safely.
    private const float MaskedScore = float.MinValue;

    private readonly GemmaEncoderConfig _c;
    private readonly ExternalDataWriter _weights;
    private readonly Dictionary<string, WeightSpec> _specs;
    private readonly OnnxGraphBuilder _g = new("embeddinggemma");
    private readonly bool _float16;
    private readonly string _one;
    private readonly string _two;
    private readonly string _eps;

    private GemmaEncoderGraph(GemmaEncoderConfig config, ExternalDataWriter weights)
    {
        _c = config;
        _weights = weights;
        _float16 = weights.ElementType == DataType.Float16;
        _specs = GemmaWeightLayout.Enumerate(config).ToDictionary(s => s.Name, StringComparer.Ordinal);
        _one = _g.ConstFloat(1f);
        _two = _g.ConstFloat(2f);
        _eps = _g.ConstFloat(config.RmsNormEps);
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
        string positions = Op("Range", _g.ConstInt64([0]), Op("Gather", [Op("Shape", "input_ids"), _g.ConstInt64([1])], Attr("axis", 0L)), _g.ConstInt64([1]));
        string distance = Op("Abs", Op("Sub", Unsqueeze(positions, 1), Unsqueeze(positions, 0)));
        string window = Op("LessOrEqual", distance, _g.ConstInt64([_c.SlidingHalfWindow]));
        string keyValid = Unsqueeze(Op("Cast", ["attention_mask"], Attr("to", (long)DataType.Bool)), 1, 2, 3); // [B,1,1,1,T]
        string slidingAllowed = Op("And", window, keyValid); // [B,1,1,T,T]
        string maskFloat = Op("Cast", ["attention_mask"], Attr("to", (long)DataType.Float)); // [B,T]

        string positionsFloat = Op("Cast", [positions], Attr("to", (long)DataType.Float));
        (string Cos, string Sin) localRope = RopeTables(positionsFloat, _c.RopeLocalBaseFreq);
        (string Cos, string Sin) globalRope = RopeTables(positionsFloat, _c.RopeTheta);

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
        string summed = Op("ReduceSum", [Op("Mul", hidden, Unsqueeze(maskFloat, 2)), _g.ConstInt64([1], 1)], Attr("keepdims", 0L));
        string count = Op("Max", Op("ReduceSum", [maskFloat, _g.ConstInt64([1], 1)], Attr("keepdims", 1L)), _g.ConstFloat(1e-9f));
        string pooled = Op("Div", summed, count);
        string dense = Op("MatMul", Op("MatMul", pooled, Weight(GemmaWeightLayout.Dense0)), Weight(GemmaWeightLayout.Dense1));
        string norm = Op("Sqrt", Op("ReduceSum", [Op("Mul", dense, dense), _g.ConstInt64([1], 1)], Attr("keepdims", 1L)));
        string embedding = Op("Div", dense, Op("Max", norm, _g.ConstFloat(1e-12f)));

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

        // Grouped-query attention by broadcasting: q [B,kv,group,T,hd] against k/v [B,kv,1,T,hd].
        string q5 = Reshape(q, 0, kvHeads, heads / kvHeads, -1, headDim);
        string kT5 = Transpose(Unsqueeze(k, 2), 0, 1, 2, 4, 3);
        string v5 = Unsqueeze(v, 2);
        string scores = Op("Mul", Op("MatMul", q5, kT5), _g.ConstFloat(1f / MathF.Sqrt(_c.QueryPreAttnScalar)));
        string probs = Op("Softmax", [Op("Where", allowed, scores, _g.ConstFloat(MaskedScore))], Attr("axis", -1L));
        string context = Reshape(Op("MatMul", probs, v5), 0, heads, -1, headDim);
        context = Reshape(Transpose(context, 0, 2, 1, 3), 0, 0, heads * headDim);
        string attention = Op("MatMul", context, W("self_attn.o_proj.weight"));
        x = Op("Add", x, RmsNorm(attention, W("post_attention_layernorm.weight")));

        string f = RmsNorm(x, W("pre_feedforward_layernorm.weight"));
        string gate = Op("MatMul", f, W("mlp.gate_proj.weight"));
        string up = Op("MatMul", f, W("mlp.up_proj.weight"));
        string mlp = Op("MatMul", Op("Mul", GeluTanh(gate), up), W("mlp.down_proj.weight"));
        return Op("Add", x, RmsNorm(mlp, W("post_feedforward_layernorm.weight")));
    }

    // Gemma RMSNorm: x / sqrt(mean(x^2) + eps) * (1 + w), over the last axis.
    private string RmsNorm(string x, string weight)
    {
        // Pow/ReduceMean/Add/Sqrt/Div/Mul is the pattern ONNX Runtime fuses into SimplifiedLayerNormalization.
        string meanSquare = Op("ReduceMean", [Op("Pow", x, _two)], Ints("axes", -1), Attr("keepdims", 1L));
        string normalized = Op("Div", x, Op("Sqrt", Op("Add", meanSquare, _eps)));
        return Op("Mul", normalized, Op("Add", weight, _one));
    }

    // gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); opset 17 has no Gelu op.
    private string GeluTanh(string x)
    {
        // Written in the shape ONNX Runtime fuses into FastGelu (Pow(x, 3) first).
        string cube = Op("Pow", x, _g.ConstFloat(3f));
        string inner = Op("Mul", Op("Add", x, Op("Mul", cube, _g.ConstFloat(0.044715f))), _g.ConstFloat(MathF.Sqrt(2f / MathF.PI)));
        return Op("Mul", Op("Mul", x, _g.ConstFloat(0.5f)), Op("Add", Op("Tanh", inner), _one));
    }

    // HF default RoPE in float32: inv_freq = 1 / base^(2i/d); angles = pos * inv_freq duplicated (rotate_half layout).
    private (string Cos, string Sin) RopeTables(string positionsFloat, float theta)
    {
        int half = _c.HeadDim / 2;
        var inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++)
        {
            inverseFrequencies[i] = 1f / MathF.Pow(theta, 2 * i / (float)_c.HeadDim);
        }

        string freqs = Op("Mul", Unsqueeze(positionsFloat, 1), _g.ConstFloats("inv_freq", inverseFrequencies, half));
        string angles = Op("Concat", [freqs, freqs], Attr("axis", -1L));
        return (Op("Cos", angles), Op("Sin", angles));
    }

    private string Rope(string x, (string Cos, string Sin) rope)
    {
        string[] halves = _g.Node("Split", [x], 2, Attr("axis", -1L));
        string rotated = Op("Concat", [Op("Neg", halves[1]), halves[0]], Attr("axis", -1L));
        return Op("Add", Op("Mul", x, rope.Cos), Op("Mul", rotated, rope.Sin));
    }

    private string Weight(string name) => _float16 ? ToFloat(WeightRaw(name)) : WeightRaw(name);

    private string WeightRaw(string name)
    {
        _g.AddInitializer(_weights.Write(_specs[name]));
        return name;
    }

    private string ToFloat(string value) => Op("Cast", [value], Attr("to", (long)DataType.Float));

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

    private string Op(string opType, params string[] inputs) => _g.Node(opType, inputs);

    private string Op(string opType, string[] inputs, params AttributeProto[] attributes) => _g.Node(opType, inputs, attributes);

    private string Reshape(string x, params long[] shape) => Op("Reshape", x, _g.ConstInt64(shape, shape.Length));

    private string Transpose(string x, params long[] perm) => Op("Transpose", [x], Ints("perm", perm));

    private string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", x, _g.ConstInt64(axes, axes.Length));
}
