namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Shape of the EmbeddingGemma 2 text model (Gemma 4 based): a bidirectional encoder with per-layer inputs,
/// sliding and full attention layers of different head shapes, and a projection of every token to the embedding width.
/// </summary>
/// <remarks>
/// Sizes follow transformers' <c>configuration_embedding_gemma2.py</c> and the released <c>config.json</c> as quoted by
/// public sources (see <c>tools/ModelFactory/README.md</c>); the vision encoder is a simpler stand-in with the real I/O (<see cref="GemmaVisionConfig"/>).
/// </remarks>
public sealed record EmbeddingGemma2Config
{
    /// <summary>The released text model's shape: 24 layers (5 sliding + 1 full, repeated), hidden 512, 768-wide embeddings.</summary>
    public static EmbeddingGemma2Config Full { get; } = new()
    {
        VocabSize = 262144,
        HiddenSize = 512,
        IntermediateSize = 2048,
        NumHiddenLayers = 24,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 256,
        FullAttentionHeadDim = 512,
        FullAttentionKeyValueHeads = 1,
        HiddenSizePerLayerInput = 512,
        EmbeddingDim = 768,
        SlidingWindow = 512,
        Vision = GemmaVisionConfig.Full,
    };

    /// <summary>
    /// A tiny model for tests: the real vocabulary (so real tokenizer ids, media placeholders included, are valid), six
    /// layers (five sliding, one full), the real 768-wide output, and a sliding radius of 4 tokens so short texts
    /// already reach past the window.
    /// </summary>
    public static EmbeddingGemma2Config Tiny { get; } = new()
    {
        VocabSize = 262144,
        HiddenSize = 32,
        IntermediateSize = 64,
        NumHiddenLayers = 6,
        NumAttentionHeads = 2,
        NumKeyValueHeads = 1,
        HeadDim = 16,
        FullAttentionHeadDim = 32,
        FullAttentionKeyValueHeads = 1,
        HiddenSizePerLayerInput = 16,
        EmbeddingDim = 768,
        SlidingWindow = 4,
        Vision = GemmaVisionConfig.Tiny,
    };

    /// <summary>Number of token embeddings.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Width of the residual stream (also the width of media features).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Width of the gated MLP.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of encoder layers.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Number of query heads (all layers).</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Number of key/value heads of sliding layers.</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary>Head size of sliding layers.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Head size of full-attention layers (<c>per_layer_config</c>'s <c>head_dim</c>).</summary>
    public required int FullAttentionHeadDim { get; init; }

    /// <summary>Key/value heads of full-attention layers (<c>per_layer_config</c>'s <c>num_key_value_heads</c>).</summary>
    public required int FullAttentionKeyValueHeads { get; init; }

    /// <summary>Width of each layer's per-layer input.</summary>
    public required int HiddenSizePerLayerInput { get; init; }

    /// <summary>Width of <c>last_hidden_state</c> and <c>sentence_embedding</c> (<c>embedding_projection</c>'s output).</summary>
    public required int EmbeddingDim { get; init; }

    /// <summary>Inclusive radius of sliding layers: position i sees j iff |i - j| &lt;= this value.</summary>
    public required int SlidingWindow { get; init; }

    /// <summary>The vision encoder written beside the text graph (<c>onnx/vision_encoder.onnx</c>), or null for none.</summary>
    public GemmaVisionConfig? Vision { get; init; }

    /// <summary>Every this-many-th layer is a full-attention layer; the others slide.</summary>
    public int SlidingWindowPattern { get; init; } = 6;

    /// <summary>Epsilon inside every RMSNorm.</summary>
    public float RmsNormEps { get; init; } = 1e-6f;

    /// <summary>RoPE base of sliding layers.</summary>
    public float SlidingRopeTheta { get; init; } = 10_000f;

    /// <summary>RoPE base of full-attention layers (default RoPE over the whole head).</summary>
    public float FullRopeTheta { get; init; } = 1_000_000f;

    /// <summary>RoPE table size declared in <c>config.json</c> (not a usable length).</summary>
    public int MaxPositionEmbeddings { get; init; } = 262144;

    /// <summary>
    /// Whether RoPE uses ONNX Runtime's com.microsoft <c>RotaryEmbedding</c> contrib op, as the onnx-community export does
    /// (so ONNX Runtime runs the same kernel), rather than plain opset-17 ops.
    /// </summary>
    public bool UseRotaryEmbeddingContribOp { get; init; } = true;

    /// <summary>Longest input in tokens (<c>sentence_bert_config.json</c>'s <c>max_seq_length</c>).</summary>
    public int MaxSequenceLength { get; init; } = 8192;

    /// <summary>HF <c>layer_types</c>: "sliding_attention" or "full_attention" per layer.</summary>
    public IReadOnlyList<string> LayerTypes =>
        [.. Enumerable.Range(0, NumHiddenLayers).Select(i => IsSlidingLayer(i) ? "sliding_attention" : "full_attention")];

    /// <summary>Whether <paramref name="layer"/> uses sliding-window attention (and the sliding head shape and RoPE base).</summary>
    /// <param name="layer">Zero-based layer index.</param>
    /// <returns><see langword="true"/> for sliding layers; <see langword="false"/> for full layers.</returns>
    public bool IsSlidingLayer(int layer) => (layer + 1) % SlidingWindowPattern != 0;

    /// <summary>Head size of <paramref name="layer"/>.</summary>
    /// <param name="layer">Zero-based layer index.</param>
    /// <returns><see cref="HeadDim"/> or <see cref="FullAttentionHeadDim"/>.</returns>
    public int LayerHeadDim(int layer) => IsSlidingLayer(layer) ? HeadDim : FullAttentionHeadDim;

    /// <summary>Key/value heads of <paramref name="layer"/>.</summary>
    /// <param name="layer">Zero-based layer index.</param>
    /// <returns><see cref="NumKeyValueHeads"/> or <see cref="FullAttentionKeyValueHeads"/>.</returns>
    public int LayerKeyValueHeads(int layer) => IsSlidingLayer(layer) ? NumKeyValueHeads : FullAttentionKeyValueHeads;

    /// <summary>Throws when the shape cannot be built.</summary>
    /// <exception cref="ArgumentException">A size is not positive, heads do not divide evenly, or a head size is odd.</exception>
    public void Validate()
    {
        int[] sizes = [VocabSize, HiddenSize, IntermediateSize, NumHiddenLayers, NumAttentionHeads, NumKeyValueHeads, HeadDim,
            FullAttentionHeadDim, FullAttentionKeyValueHeads, HiddenSizePerLayerInput, EmbeddingDim, SlidingWindow, SlidingWindowPattern,
            MaxPositionEmbeddings, MaxSequenceLength];
        if (sizes.Any(s => s <= 0))
        {
            throw new ArgumentException("All sizes must be positive.");
        }

        if (NumAttentionHeads % NumKeyValueHeads != 0 || NumAttentionHeads % FullAttentionKeyValueHeads != 0)
        {
            throw new ArgumentException("NumAttentionHeads must be a multiple of both key/value head counts.");
        }

        if (HeadDim % 2 != 0 || FullAttentionHeadDim % 2 != 0)
        {
            throw new ArgumentException("Head sizes must be even for rotary embeddings.");
        }

        if (!(RmsNormEps > 0))
        {
            throw new ArgumentException("RmsNormEps must be positive.");
        }
    }
}
