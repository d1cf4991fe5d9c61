using SkEmbeddingGemma.Quantization.Onnx;
using static SkEmbeddingGemma.ModelFactory.OnnxGraphBuilder;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Emits the EmbeddingGemma 2 text model as an opset-17 ONNX graph (plus com.microsoft <c>RotaryEmbedding</c> unless
/// <see cref="EmbeddingGemma2Config.UseRotaryEmbeddingContribOp"/> is off) with the onnx-community I/O:
/// (input_ids, attention_mask, image_features, video_features, audio_features) -> (sentence_embedding, last_hidden_state).
/// Media features replace the embeddings of their placeholder tokens in row-major order over the batch (transformers'
/// <c>masked_scatter</c>), so the three feature inputs are consumed even when empty (<c>[0, hidden]</c> for text).
/// </summary>
internal sealed class EmbeddingGemma2Graph
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    private readonly EmbeddingGemma2Config _c;
    private readonly ExternalDataWriter _weights;
    private readonly Dictionary<string, WeightSpec> _specs;
    private readonly OnnxGraphBuilder _g = new("embeddinggemma2");
    private readonly GemmaGraphOps _ops;

    private EmbeddingGemma2Graph(EmbeddingGemma2Config config, ExternalDataWriter weights)
    {
        _c = config;
        _weights = weights;
        _specs = EmbeddingGemma2WeightLayout.Enumerate(config).ToDictionary(s => s.Name, StringComparer.Ordinal);
        _ops = new GemmaGraphOps(_g, config.RmsNormEps);
    }

    public static ModelProto Build(EmbeddingGemma2Config config, ExternalDataWriter weights)
    {
        config.Validate();
        if (weights.ElementType != DataType.Float)
        {
            throw new ArgumentException("EmbeddingGemma 2 graphs are written in float32 only.", nameof(weights));
        }

        return new EmbeddingGemma2Graph(config, weights).BuildModel();
    }

    private ModelProto BuildModel()
    {
        (string Name, string Dim, int TokenId)[] media =
        [
            ("image_features", "num_image_tokens", EmbeddingGemma2Metadata.ImageTokenId),
            ("video_features", "num_video_tokens", EmbeddingGemma2Metadata.VideoTokenId),
            ("audio_features", "num_audio_tokens", EmbeddingGemma2Metadata.AudioTokenId),
        ];
        _g.AddInput("input_ids", DataType.Int64, "batch_size", "sequence_length")
          .AddInput("attention_mask", DataType.Int64, "batch_size", "sequence_length");
        foreach ((string name, string dim, _) in media)
        {
            _g.AddInput(name, DataType.Float, dim, _c.HiddenSize);
        }

        _g.AddOutput("sentence_embedding", DataType.Float, "batch_size", _c.EmbeddingDim)
          .AddOutput("last_hidden_state", DataType.Float, "batch_size", "sequence_length", _c.EmbeddingDim);

        string positions = _ops.Positions("input_ids");
        (string keyValid, string slidingAllowed) = _ops.AttentionMasks(positions, "attention_mask", _c.SlidingWindow);
        string maskFloat = Op("Cast", ["attention_mask"], Attr("to", (long)DataType.Float));
        string positionsFloat = Op("Cast", [positions], Attr("to", (long)DataType.Float));
        (string Cos, string Sin) slidingRope = RopeTables(positionsFloat, _c.HeadDim, _c.SlidingRopeTheta);
        (string Cos, string Sin) fullRope = RopeTables(positionsFloat, _c.FullAttentionHeadDim, _c.FullRopeTheta);

        // Placeholder ids are looked up as the pad id, then replaced by their features (which are not scaled).
        string[] isPlaceholder = [.. media.Select(m => Op("Equal", "input_ids", _g.ConstInt64([m.TokenId])))];
        string anyPlaceholder = isPlaceholder.Skip(1).Aggregate(isPlaceholder[0], (a, b) => Op("Or", a, b));
        string lookupIds = Op("Where", anyPlaceholder, _g.ConstInt64([0]), "input_ids");
        string x = Op("Mul", Op("Gather", Weight(EmbeddingGemma2WeightLayout.EmbedTokens), lookupIds), _g.ConstFloat(MathF.Sqrt(_c.HiddenSize)));
        for (int m = 0; m < media.Length; m++)
        {
            x = Scatter(x, isPlaceholder[m], media[m].Name);
        }

        // Per-layer inputs from the merged embeddings: RMSNorm_w(reshape(Linear(x) * hidden^-0.5, [B, T, layers, ple])).
        string perLayer = Op("Mul", Op("MatMul", x, Weight(EmbeddingGemma2WeightLayout.PerLayerModelProjection)), _g.ConstFloat(1f / MathF.Sqrt(_c.HiddenSize)));
        perLayer = _ops.RmsNorm(Reshape(perLayer, 0, 0, _c.NumHiddenLayers, _c.HiddenSizePerLayerInput), Weight(EmbeddingGemma2WeightLayout.PerLayerProjectionNorm), plusOne: false);

        for (int layer = 0; layer < _c.NumHiddenLayers; layer++)
        {
            bool sliding = _c.IsSlidingLayer(layer);
            string layerInput = Op("Gather", [perLayer, _g.ConstInt64([layer])], Attr("axis", 2L));
            x = EncoderLayer(x, layer, layerInput, sliding ? slidingAllowed : keyValid, sliding ? slidingRope : fullRope);
        }

        string hidden = Op("MatMul", RmsNorm(x, Weight(EmbeddingGemma2WeightLayout.FinalNorm)), Weight(EmbeddingGemma2WeightLayout.EmbeddingProjection));

        // sentence-transformers head: masked mean pooling (prompt tokens included), then L2 normalize; no Dense layers.
        string embedding = _ops.L2Normalize(_ops.MeanPool(hidden, maskFloat));
        _g.NodeNamed("Identity", [embedding], ["sentence_embedding"], []);
        _g.NodeNamed("Identity", [hidden], ["last_hidden_state"], []);
        return _g.Build(IrVersion, OpsetVersion, "SkEmbeddingGemma.ModelFactory", EmbeddingGemma2ModelWriter.GeneratorVersion);
    }

    // masked_scatter: the k-th placeholder over the flattened batch takes feature row k. Other positions gather an
    // appended zero row, so an empty [0, hidden] input works and Where keeps their embeddings.
    private string Scatter(string x, string isPlaceholder, string features)
    {
        string flat = Reshape(isPlaceholder, -1);
        string rank = Op("Sub", Op("CumSum", Op("Cast", [flat], Attr("to", (long)DataType.Int64)), _g.ConstInt64([0])), _g.ConstInt64([1]));
        string count = Op("Gather", [Op("Shape", features), _g.ConstInt64([0])], Attr("axis", 0L));
        string index = Op("Where", flat, rank, count);
        string padded = Op("Concat", [features, _g.ConstFloats("zero_row", new float[_c.HiddenSize], 1, _c.HiddenSize)], Attr("axis", 0L));
        string rows = Op("Reshape", Op("Gather", padded, index), Op("Shape", x));
        return Op("Where", Unsqueeze(isPlaceholder, 2), rows, x);
    }

    private string EncoderLayer(string x, int layer, string layerInput, string allowed, (string Cos, string Sin) rope)
    {
        int heads = _c.NumAttentionHeads, kvHeads = _c.LayerKeyValueHeads(layer), headDim = _c.LayerHeadDim(layer);
        string W(string suffix) => Weight(EmbeddingGemma2WeightLayout.Layer(layer, suffix));

        string h = RmsNorm(x, W("input_layernorm.weight"));

        // Projections -> [B,T,heads,hd]; q_norm/k_norm (weighted) and v_norm (unweighted) per head; RoPE on q, k.
        string q = Reshape(Op("MatMul", h, W("self_attn.q_proj.weight")), 0, 0, heads, headDim);
        string k = Reshape(Op("MatMul", h, W("self_attn.k_proj.weight")), 0, 0, kvHeads, headDim);
        string v = Reshape(Op("MatMul", h, W("self_attn.v_proj.weight")), 0, 0, kvHeads, headDim);
        q = Rope(RmsNorm(q, W("self_attn.q_norm.weight")), heads, headDim, rope);
        k = Rope(RmsNorm(k, W("self_attn.k_norm.weight")), kvHeads, headDim, rope);
        v = _ops.Transpose(_ops.RmsNorm(v, null, plusOne: false), 0, 2, 1, 3);

        // Gemma 4 attention scaling is 1.0: the q/k norms set the logit scale.
        string context = _ops.Attention(q, k, v, heads, kvHeads, headDim, allowed, scale: 1f);
        string attention = Op("MatMul", context, W("self_attn.o_proj.weight"));
        x = Op("Add", x, RmsNorm(attention, W("post_attention_layernorm.weight")));

        string f = RmsNorm(x, W("pre_feedforward_layernorm.weight"));
        string gate = Op("MatMul", f, W("mlp.gate_proj.weight"));
        string up = Op("MatMul", f, W("mlp.up_proj.weight"));
        string mlp = Op("MatMul", Op("Mul", _ops.GeluTanh(gate), up), W("mlp.down_proj.weight"));
        x = Op("Add", x, RmsNorm(mlp, W("post_feedforward_layernorm.weight")));

        string gated = Op("Mul", _ops.GeluTanh(Op("MatMul", x, W("ple_block.per_layer_input_gate.weight"))), layerInput);
        x = Op("Add", x, RmsNorm(Op("MatMul", gated, W("ple_block.per_layer_projection.weight")), W("ple_block.post_per_layer_input_norm.weight")));
        return Op("Mul", x, W("layer_scalar"));
    }

    // Full rotate-half tables [T, hd] for plain ops, or the contrib op's half-width caches [T, hd / 2].
    private (string Cos, string Sin) RopeTables(string positionsFloat, int headDim, float theta) =>
        _c.UseRotaryEmbeddingContribOp ? _ops.RotaryCaches(positionsFloat, headDim, theta) : _ops.RopeTables(positionsFloat, headDim, theta);

    // [B,T,heads,hd] -> rotated [B,heads,T,hd].
    private string Rope(string x, int heads, int headDim, (string Cos, string Sin) rope) =>
        _c.UseRotaryEmbeddingContribOp ? _ops.RotaryEmbedding(x, heads, headDim, rope) : _ops.Rope(_ops.Transpose(x, 0, 2, 1, 3), rope);

    // Gemma 4 RMSNorm: x / sqrt(mean(x^2) + eps) * w.
    private string RmsNorm(string x, string weight) => _ops.RmsNorm(x, weight, plusOne: false);

    private string Weight(string name)
    {
        _g.AddInitializer(_weights.Write(_specs[name]));
        return name;
    }

    private string Op(string opType, params string[] inputs) => _ops.Op(opType, inputs);

    private string Op(string opType, string[] inputs, params AttributeProto[] attributes) => _ops.Op(opType, inputs, attributes);

    private string Reshape(string x, params long[] shape) => _ops.Reshape(x, shape);

    private string Unsqueeze(string x, params long[] axes) => _ops.Unsqueeze(x, axes);
}
