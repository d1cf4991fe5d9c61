using SkEmbeddingGemma.Quantization.Onnx;
using static SkEmbeddingGemma.ModelFactory.OnnxGraphBuilder;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// The graph pieces both Gemma encoder graphs (EmbeddingGemma and EmbeddingGemma 2) are made of: shape ops, RMSNorm,
/// gelu_tanh, rotate-half RoPE, bidirectional masks, grouped-query attention and the mean-pool + L2 head. Written once
/// so the two families differ only where their architectures do.
/// </summary>
internal sealed class GemmaGraphOps
{
    // Finite "minus infinity": a row whose window holds only padding softmaxes to uniform weights
    // instead of NaN, and mean pooling then multiplies it by zero safely.
    private const float MaskedScore = float.MinValue;

    private readonly string _one;
    private readonly string _two;
    private readonly string _eps;

    public GemmaGraphOps(OnnxGraphBuilder graph, float rmsNormEps)
    {
        G = graph;
        _one = G.ConstFloat(1f);
        _two = G.ConstFloat(2f);
        _eps = G.ConstFloat(rmsNormEps);
    }

    public OnnxGraphBuilder G { get; }

    public string One => _one;

    public string Op(string opType, params string[] inputs) => G.Node(opType, inputs);

    public string Op(string opType, string[] inputs, params AttributeProto[] attributes) => G.Node(opType, inputs, attributes);

    public string Reshape(string x, params long[] shape) => Op("Reshape", x, G.ConstInt64(shape, shape.Length));

    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], Ints("perm", perm));

    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", x, G.ConstInt64(axes, axes.Length));

    public string ToFloat(string value) => Op("Cast", [value], Attr("to", (long)DataType.Float));

    /// <summary>
    /// RMSNorm over the last axis: <c>x / sqrt(mean(x^2) + eps)</c>, times <c>(1 + w)</c> (Gemma 3), times <c>w</c>
    /// (Gemma 4), or nothing when <paramref name="weight"/> is <see langword="null"/> (Gemma 4's <c>v_norm</c>).
    /// </summary>
    public string RmsNorm(string x, string? weight, bool plusOne)
    {
        // Pow/ReduceMean/Add/Sqrt/Div/Mul is the pattern ONNX Runtime fuses into SimplifiedLayerNormalization.
        string meanSquare = Op("ReduceMean", [Op("Pow", x, _two)], Ints("axes", -1), Attr("keepdims", 1L));
        string normalized = Op("Div", x, Op("Sqrt", Op("Add", meanSquare, _eps)));
        return weight is null ? normalized : Op("Mul", normalized, plusOne ? Op("Add", weight, _one) : weight);
    }

    // gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); opset 17 has no Gelu op.
    public string GeluTanh(string x)
    {
        // Written in the shape ONNX Runtime fuses into FastGelu (Pow(x, 3) first).
        string cube = Op("Pow", x, G.ConstFloat(3f));
        string inner = Op("Mul", Op("Add", x, Op("Mul", cube, G.ConstFloat(0.044715f))), G.ConstFloat(MathF.Sqrt(2f / MathF.PI)));
        return Op("Mul", Op("Mul", x, G.ConstFloat(0.5f)), Op("Add", Op("Tanh", inner), _one));
    }

    /// <summary>Positions <c>0..T-1</c> (int64) of <paramref name="ids"/> <c>[B, T]</c>.</summary>
    public string Positions(string ids) =>
        Op("Range", G.ConstInt64([0]), Op("Gather", [Op("Shape", ids), G.ConstInt64([1])], Attr("axis", 0L)), G.ConstInt64([1]));

    /// <summary>
    /// Boolean masks for bidirectional attention: key j is visible iff <c>attention_mask[b, j] != 0</c>
    /// (<c>KeyValid</c>, <c>[B,1,1,1,T]</c>), and on sliding layers also iff <c>|i - j| &lt;= radius</c>
    /// (<c>Sliding</c>, <c>[B,1,1,T,T]</c>).
    /// </summary>
    public (string KeyValid, string Sliding) AttentionMasks(string positions, string attentionMask, long radius)
    {
        string distance = Op("Abs", Op("Sub", Unsqueeze(positions, 1), Unsqueeze(positions, 0)));
        string window = Op("LessOrEqual", distance, G.ConstInt64([radius]));
        string keyValid = Unsqueeze(Op("Cast", [attentionMask], Attr("to", (long)DataType.Bool)), 1, 2, 3);
        return (keyValid, Op("And", window, keyValid));
    }

    // HF default RoPE in float32: inv_freq = 1 / base^(2i/d); angles = pos * inv_freq duplicated (rotate_half layout).
    public (string Cos, string Sin) RopeTables(string positionsFloat, int headDim, float theta)
    {
        string freqs = RopeAngles(positionsFloat, headDim, theta);
        string angles = Op("Concat", [freqs, freqs], Attr("axis", -1L));
        return (Op("Cos", angles), Op("Sin", angles));
    }

    /// <summary>
    /// The <c>[T, headDim / 2]</c> cos/sin caches of com.microsoft <c>RotaryEmbedding</c>, computed in the graph for the
    /// positions of this run (so no table of the declared maximum length is stored).
    /// </summary>
    public (string Cos, string Sin) RotaryCaches(string positionsFloat, int headDim, float theta)
    {
        string freqs = RopeAngles(positionsFloat, headDim, theta);
        return (Op("Cos", freqs), Op("Sin", freqs));
    }

    /// <summary>
    /// com.microsoft <c>RotaryEmbedding</c> (rotate-half layout, positions 0..T-1) on <paramref name="x"/> <c>[B,T,heads,hd]</c>;
    /// returns <c>[B,heads,T,hd]</c> like <see cref="Rope"/> after a transpose.
    /// </summary>
    public string RotaryEmbedding(string x, int heads, int headDim, (string Cos, string Sin) caches)
    {
        // Position id input of shape [1] is the offset of position 0: every sequence starts at 0 (no KV cache here).
        string rotated = G.MicrosoftNode(
            "RotaryEmbedding",
            [Reshape(x, 0, 0, heads * headDim), G.ConstInt64([0], 1), caches.Cos, caches.Sin],
            Attr("interleaved", 0L),
            Attr("num_heads", (long)heads));
        return Transpose(Reshape(rotated, 0, 0, heads, headDim), 0, 2, 1, 3);
    }

    private string RopeAngles(string positionsFloat, int headDim, float theta)
    {
        int half = headDim / 2;
        var inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++)
        {
            inverseFrequencies[i] = 1f / MathF.Pow(theta, 2 * i / (float)headDim);
        }

        return Op("Mul", Unsqueeze(positionsFloat, 1), G.ConstFloats("inv_freq", inverseFrequencies, half));
    }

    public string Rope(string x, (string Cos, string Sin) rope)
    {
        string[] halves = G.Node("Split", [x], 2, Attr("axis", -1L));
        string rotated = Op("Concat", [Op("Neg", halves[1]), halves[0]], Attr("axis", -1L));
        return Op("Add", Op("Mul", x, rope.Cos), Op("Mul", rotated, rope.Sin));
    }

    /// <summary>
    /// Masked softmax attention with grouped-query broadcasting. <paramref name="q"/> is <c>[B,heads,T,hd]</c>,
    /// <paramref name="k"/>/<paramref name="v"/> <c>[B,kvHeads,T,hd]</c>; returns <c>[B,T,heads*hd]</c>.
    /// </summary>
    public string Attention(string q, string k, string v, int heads, int kvHeads, int headDim, string allowed, float scale)
    {
        // q [B,kv,group,T,hd] against k/v [B,kv,1,T,hd].
        string q5 = Reshape(q, 0, kvHeads, heads / kvHeads, -1, headDim);
        string kT5 = Transpose(Unsqueeze(k, 2), 0, 1, 2, 4, 3);
        string v5 = Unsqueeze(v, 2);
        string scores = Op("MatMul", q5, kT5);
        if (scale != 1f)
        {
            scores = Op("Mul", scores, G.ConstFloat(scale));
        }

        string probs = Op("Softmax", [Op("Where", allowed, scores, G.ConstFloat(MaskedScore))], Attr("axis", -1L));
        string context = Reshape(Op("MatMul", probs, v5), 0, heads, -1, headDim);
        return Reshape(Transpose(context, 0, 2, 1, 3), 0, 0, heads * headDim);
    }

    /// <summary>Mean of <paramref name="hidden"/> <c>[B,T,D]</c> over the tokens whose <paramref name="maskFloat"/> <c>[B,T]</c> is 1.</summary>
    public string MeanPool(string hidden, string maskFloat)
    {
        string summed = Op("ReduceSum", [Op("Mul", hidden, Unsqueeze(maskFloat, 2)), G.ConstInt64([1], 1)], Attr("keepdims", 0L));
        string count = Op("Max", Op("ReduceSum", [maskFloat, G.ConstInt64([1], 1)], Attr("keepdims", 1L)), G.ConstFloat(1e-9f));
        return Op("Div", summed, count);
    }

    /// <summary>L2 normalization over the last axis of <c>[B,D]</c>, as sentence-transformers' Normalize.</summary>
    public string L2Normalize(string x)
    {
        string norm = Op("Sqrt", Op("ReduceSum", [Op("Mul", x, x), G.ConstInt64([1], 1)], Attr("keepdims", 1L)));
        return Op("Div", x, Op("Max", norm, G.ConstFloat(1e-12f)));
    }
}
