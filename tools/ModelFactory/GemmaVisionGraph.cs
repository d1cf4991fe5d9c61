using SkEmbeddingGemma.Quantization.Onnx;
using static SkEmbeddingGemma.ModelFactory.OnnxGraphBuilder;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Emits the stand-in for EmbeddingGemma 2's vision encoder with the onnx-community I/O that transformers.js feeds:
/// (<c>pixel_values</c> float [images, patches, 768], <c>pixel_position_ids</c> int64 [images, patches, 2], -1 for
/// padding) -> <c>image_features</c> float [soft tokens of all images, text hidden].
/// </summary>
/// <remarks>
/// Kept from the real tower (transformers' Gemma 4 vision model): <c>2 (pixel - 0.5)</c> then a linear patch
/// embedding plus x and y position tables; pre-norm transformer layers whose attention ignores padding patches; the
/// pooler that zeroes padding patches, averages each k×k block of patches chosen by their position ids
/// (<c>x / k + (max_x / k) (y / k)</c>), scales by sqrt(hidden) and drops empty slots; and <c>embed_vision</c>
/// (RMSNorm without weight, then a linear map to the text hidden size). Simpler than the real tower: no 2-D RoPE in
/// attention, plain RMSNorm-weighted layers without clipped linears, and only as many layers as the config says.
/// </remarks>
internal sealed class GemmaVisionGraph
{
    public const string PatchEmbedding = "patch_embedder.input_proj.weight";
    public const string PositionTable = "patch_embedder.position_embedding_table";
    public const string EmbedVision = "embed_vision.embedding_projection.weight";

    private readonly GemmaVisionConfig _c;
    private readonly int _textHidden;
    private readonly ExternalDataWriter _weights;
    private readonly Dictionary<string, WeightSpec> _specs;
    private readonly OnnxGraphBuilder _g = new("embeddinggemma2_vision");
    private readonly GemmaGraphOps _ops;

    private GemmaVisionGraph(GemmaVisionConfig config, int textHidden, ExternalDataWriter weights)
    {
        _c = config;
        _textHidden = textHidden;
        _weights = weights;
        _specs = Enumerate(config, textHidden).ToDictionary(s => s.Name, StringComparer.Ordinal);
        _ops = new GemmaGraphOps(_g, 1e-6f);
    }

    public static string Layer(int layer, string suffix) => $"encoder.layers.{layer}.{suffix}";

    public static ModelProto Build(GemmaVisionConfig config, int textHidden, ExternalDataWriter weights)
    {
        config.Validate();
        return new GemmaVisionGraph(config, textHidden, weights).BuildModel();
    }

    public static IReadOnlyList<WeightSpec> Enumerate(GemmaVisionConfig c, int textHidden)
    {
        int h = c.HiddenSize, q = c.NumAttentionHeads * c.HeadDim;
        var specs = new List<WeightSpec>
        {
            Linear(PatchEmbedding, c.PatchDim, h),
            new(PositionTable + ".x", [c.PositionEmbeddingSize, h], 0.5f),
            new(PositionTable + ".y", [c.PositionEmbeddingSize, h], 0.5f),
        };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            specs.Add(Norm(Layer(i, "input_layernorm.weight"), h));
            specs.Add(Linear(Layer(i, "self_attn.q_proj.weight"), h, q));
            specs.Add(Linear(Layer(i, "self_attn.k_proj.weight"), h, q));
            specs.Add(Linear(Layer(i, "self_attn.v_proj.weight"), h, q));
            specs.Add(Linear(Layer(i, "self_attn.o_proj.weight"), q, h));
            specs.Add(Norm(Layer(i, "pre_feedforward_layernorm.weight"), h));
            specs.Add(Linear(Layer(i, "mlp.gate_proj.weight"), h, c.IntermediateSize));
            specs.Add(Linear(Layer(i, "mlp.up_proj.weight"), h, c.IntermediateSize));
            specs.Add(Linear(Layer(i, "mlp.down_proj.weight"), c.IntermediateSize, h));
        }

        specs.Add(Linear(EmbedVision, h, textHidden));
        return specs;
    }

    private ModelProto BuildModel()
    {
        int k = _c.PoolingKernelSize;
        _g.AddInput("pixel_values", DataType.Float, "num_images", "num_patches", _c.PatchDim)
          .AddInput("pixel_position_ids", DataType.Int64, "num_images", "num_patches", 2);
        _g.AddOutput("image_features", DataType.Float, "num_soft_tokens", _textHidden);

        // Patch embedding of 2 (pixel - 0.5) plus the x and y position rows (padding patches look up row 0).
        string pixels = Op("Mul", Op("Sub", "pixel_values", _g.ConstFloat(0.5f)), _g.ConstFloat(2f));
        string x = Op("MatMul", pixels, Weight(PatchEmbedding));
        string[] xy = _g.Node("Split", ["pixel_position_ids"], 2, Attr("axis", -1L));
        string px = Op("Squeeze", xy[0], _g.ConstInt64([-1], 1));
        string py = Op("Squeeze", xy[1], _g.ConstInt64([-1], 1));
        string valid = Op("GreaterOrEqual", px, _g.ConstInt64([0]));
        string cx = Op("Max", px, _g.ConstInt64([0]));
        string cy = Op("Max", py, _g.ConstInt64([0]));
        x = Op("Add", x, Op("Add", Op("Gather", Weight(PositionTable + ".x"), cx), Op("Gather", Weight(PositionTable + ".y"), cy)));

        // Bidirectional attention over the real patches of each image: [N,1,1,1,S] against scores [N,heads,1,S,S].
        string keyValid = _ops.Unsqueeze(valid, 1, 2, 3);
        for (int layer = 0; layer < _c.NumHiddenLayers; layer++)
        {
            x = EncoderLayer(x, layer, keyValid);
        }

        // Pooler: zero the padding patches, average k×k blocks by position, scale by sqrt(hidden).
        x = Op("Mul", x, _ops.Unsqueeze(_ops.ToFloat(valid), 2));
        string maxX = Op("Add", Op("ReduceMax", [cx], Ints("axes", 1), Attr("keepdims", 1L)), _g.ConstInt64([1]));
        string kk = _g.ConstInt64([k]);
        string kernel = Op("Add", Op("Div", cx, kk), Op("Mul", Op("Div", maxX, kk), Op("Div", cy, kk)));
        string patches = Op("Gather", [Op("Shape", "pixel_values"), _g.ConstInt64([1])], Attr("axis", 0L));
        string slots = Op("Div", patches, _g.ConstInt64([k * k]));
        string slotIds = Op("Range", _g.ConstInt64([0]), slots, _g.ConstInt64([1]));
        string oneHot = _ops.ToFloat(Op("Equal", _ops.Unsqueeze(kernel, 2), slotIds));
        string weights = Op("Div", oneHot, _g.ConstFloat(k * k));
        string pooled = Op("MatMul", _ops.Transpose(weights, 0, 2, 1), x);
        pooled = Op("Mul", pooled, _g.ConstFloat(MathF.Sqrt(_c.HiddenSize)));

        // Drop the empty slots: what is left is each image's soft tokens, images in order.
        string filled = Op("Greater", Op("ReduceSum", [oneHot, _g.ConstInt64([1], 1)], Attr("keepdims", 0L)), _g.ConstFloat(0f));
        string rows = Op("Compress", [_ops.Reshape(pooled, -1, _c.HiddenSize), _ops.Reshape(filled, -1)], Attr("axis", 0L));

        // embed_vision: RMSNorm without weight, then the projection to the text model's width.
        string features = Op("MatMul", _ops.RmsNorm(rows, null, plusOne: false), Weight(EmbedVision));
        _g.NodeNamed("Identity", [features], ["image_features"], []);
        return _g.Build(EmbeddingGemma2Graph.IrVersion, EmbeddingGemma2Graph.OpsetVersion, "SkEmbeddingGemma.ModelFactory", EmbeddingGemma2ModelWriter.GeneratorVersion);
    }

    private string EncoderLayer(string x, int layer, string keyValid)
    {
        int heads = _c.NumAttentionHeads, headDim = _c.HeadDim;
        string W(string suffix) => Weight(Layer(layer, suffix));

        string h = _ops.RmsNorm(x, W("input_layernorm.weight"), plusOne: false);
        string q = _ops.Transpose(_ops.Reshape(Op("MatMul", h, W("self_attn.q_proj.weight")), 0, 0, heads, headDim), 0, 2, 1, 3);
        string kT = _ops.Transpose(_ops.Reshape(Op("MatMul", h, W("self_attn.k_proj.weight")), 0, 0, heads, headDim), 0, 2, 1, 3);
        string v = _ops.Transpose(_ops.Reshape(Op("MatMul", h, W("self_attn.v_proj.weight")), 0, 0, heads, headDim), 0, 2, 1, 3);
        string context = _ops.Attention(q, kT, v, heads, heads, headDim, keyValid, 1f / MathF.Sqrt(headDim));
        x = Op("Add", x, Op("MatMul", context, W("self_attn.o_proj.weight")));

        string f = _ops.RmsNorm(x, W("pre_feedforward_layernorm.weight"), plusOne: false);
        string mlp = Op("MatMul", Op("Mul", _ops.GeluTanh(Op("MatMul", f, W("mlp.gate_proj.weight"))), Op("MatMul", f, W("mlp.up_proj.weight"))), W("mlp.down_proj.weight"));
        return Op("Add", x, mlp);
    }

    private static WeightSpec Norm(string name, int size) => new(name, [size], 0.1f, 1f);

    private static WeightSpec Linear(string name, int inFeatures, int outFeatures) =>
        new(name, [inFeatures, outFeatures], 1f / MathF.Sqrt(inFeatures));

    private string Weight(string name)
    {
        _g.AddInitializer(_weights.Write(_specs[name]));
        return name;
    }

    private string Op(string opType, params string[] inputs) => _ops.Op(opType, inputs);

    private string Op(string opType, string[] inputs, params AttributeProto[] attributes) => _ops.Op(opType, inputs, attributes);
}
