namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Shape of a Gemma 3 bidirectional text encoder plus the sentence-transformers head
/// (mean pooling, two bias-free Dense layers, L2 normalization) as EmbeddingGemma uses it.
/// </summary>
public sealed record GemmaEncoderConfig
{
    /// <summary>EmbeddingGemma 300M: the real model's shape.</summary>
    public static GemmaEncoderConfig EmbeddingGemma300M { get; } = new()
    {
        VocabSize = 262144,
        HiddenSize = 768,
        IntermediateSize = 1152,
        NumHiddenLayers = 24,
        NumAttentionHeads = 3,
        NumKeyValueHeads = 1,
        HeadDim = 256,
        QueryPreAttnScalar = 256,
        DenseIntermediateSize = 3072,
        EmbeddingDimensions = 768,
    };

    /// <summary>
    /// A tiny model for tests. Keeps the real vocabulary so real tokenizer ids are valid, and six
    /// layers so both layer types (five sliding, one full) are exercised.
    /// </summary>
    public static GemmaEncoderConfig Tiny { get; } = new()
    {
        VocabSize = 262144,
        HiddenSize = 64,
        IntermediateSize = 128,
        NumHiddenLayers = 6,
        NumAttentionHeads = 2,
        NumKeyValueHeads = 1,
        HeadDim = 32,
        QueryPreAttnScalar = 32,
        DenseIntermediateSize = 256,
        EmbeddingDimensions = 64,
    };

    /// <summary>Number of token embeddings.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Width of the residual stream.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Width of the gated MLP.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of decoder layers used as encoder layers.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Number of query heads.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Number of key/value heads (grouped-query attention).</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary>Size of one attention head.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Attention scores are scaled by this value to the power -0.5.</summary>
    public required float QueryPreAttnScalar { get; init; }

    /// <summary>Output size of the first sentence-transformers Dense layer.</summary>
    public required int DenseIntermediateSize { get; init; }

    /// <summary>Size of <c>sentence_embedding</c> (output of the second Dense layer).</summary>
    public required int EmbeddingDimensions { get; init; }

    /// <summary>Epsilon inside every RMSNorm.</summary>
    public float RmsNormEps { get; init; } = 1e-6f;

    /// <summary>
    /// Sliding window as written in config.json. Bidirectional attention halves it: a sliding layer's
    /// position i sees j iff |i - j| &lt;= <see cref="SlidingHalfWindow"/>.
    /// </summary>
    public int SlidingWindow { get; init; } = 512;

    /// <summary>Every this-many-th layer is a full-attention layer; the others slide.</summary>
    public int SlidingWindowPattern { get; init; } = 6;

    /// <summary>RoPE base of full-attention layers.</summary>
    public float RopeTheta { get; init; } = 1_000_000f;

    /// <summary>RoPE base of sliding-window layers.</summary>
    public float RopeLocalBaseFreq { get; init; } = 10_000f;

    /// <summary>Longest sequence the model is declared for.</summary>
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>Largest |i - j| a sliding layer attends across (transformers' bidirectional halving).</summary>
    public int SlidingHalfWindow => SlidingWindow / 2;

    /// <summary>HF <c>layer_types</c>: "sliding_attention" or "full_attention" per layer.</summary>
    public IReadOnlyList<string> LayerTypes =>
        [.. Enumerable.Range(0, NumHiddenLayers).Select(i => IsSlidingLayer(i) ? "sliding_attention" : "full_attention")];

    /// <summary>Whether <paramref name="layer"/> uses sliding-window attention (and the local RoPE base).</summary>
    /// <param name="layer">Zero-based layer index.</param>
    /// <returns><see langword="true"/> for sliding layers; <see langword="false"/> for full layers.</returns>
    public bool IsSlidingLayer(int layer) => (layer + 1) % SlidingWindowPattern != 0;

    /// <summary>Throws when the shape cannot be built.</summary>
    /// <exception cref="ArgumentException">A size is not positive or heads do not divide evenly.</exception>
    public void Validate()
    {
        int[] sizes = [VocabSize, HiddenSize, IntermediateSize, NumHiddenLayers, NumAttentionHeads, NumKeyValueHeads,
            HeadDim, DenseIntermediateSize, EmbeddingDimensions, SlidingWindow, SlidingWindowPattern, MaxPositionEmbeddings];
        if (sizes.Any(s => s <= 0))
        {
            throw new ArgumentException("All sizes must be positive.");
        }

        if (NumAttentionHeads % NumKeyValueHeads != 0)
        {
            throw new ArgumentException("NumAttentionHeads must be a multiple of NumKeyValueHeads.");
        }

        if (HeadDim % 2 != 0)
        {
            throw new ArgumentException("HeadDim must be even for rotary embeddings.");
        }

        if (!(QueryPreAttnScalar > 0) || !(RmsNormEps > 0))
        {
            throw new ArgumentException("QueryPreAttnScalar and RmsNormEps must be positive.");
        }
    }
}
