namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Shape of the random-weight stand-in for EmbeddingGemma 2's vision tower (<c>onnx/vision_encoder.onnx</c>): the
/// upstream I/O and soft-token arithmetic, with simpler internals (see <see cref="GemmaVisionGraph"/>).
/// </summary>
public sealed record GemmaVisionConfig
{
    /// <summary>The released tower's sizes (<c>vision_config</c>: hidden 768, 16 layers, 12 heads of 64).</summary>
    public static GemmaVisionConfig Full { get; } = new()
    {
        HiddenSize = 768,
        IntermediateSize = 3072,
        NumHiddenLayers = 16,
        NumAttentionHeads = 12,
        HeadDim = 64,
        PositionEmbeddingSize = 10240,
    };

    /// <summary>A tiny tower for tests: hidden 32, one layer.</summary>
    public static GemmaVisionConfig Tiny { get; } = new()
    {
        HiddenSize = 32,
        IntermediateSize = 64,
        NumHiddenLayers = 1,
        NumAttentionHeads = 2,
        HeadDim = 16,
        PositionEmbeddingSize = 1024,
    };

    /// <summary>Width of the tower's residual stream.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Width of each layer's gated MLP.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of transformer layers over the patches.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Attention heads per layer.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Head size.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Rows of each of the x and y position tables (the largest patch coordinate + 1).</summary>
    public required int PositionEmbeddingSize { get; init; }

    /// <summary>Patch side in pixels.</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Side of the square of patches averaged into one soft token.</summary>
    public int PoolingKernelSize { get; init; } = 3;

    /// <summary>Default soft-token budget per image (<c>image_processor.max_soft_tokens</c>).</summary>
    public int DefaultOutputLength { get; init; } = 280;

    /// <summary>Soft-token budget per video frame (<c>video_processor.max_soft_tokens</c>).</summary>
    public int VideoOutputLength { get; init; } = 70;

    /// <summary>Width of one flattened RGB patch (<c>patch_size² × 3</c>).</summary>
    public int PatchDim => PatchSize * PatchSize * 3;

    /// <summary>Throws when the shape cannot be built.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the heads do not fit the hidden size.</exception>
    public void Validate()
    {
        int[] sizes = [HiddenSize, IntermediateSize, NumHiddenLayers, NumAttentionHeads, HeadDim, PositionEmbeddingSize, PatchSize,
            PoolingKernelSize, DefaultOutputLength, VideoOutputLength];
        if (sizes.Any(s => s <= 0))
        {
            throw new ArgumentException("All vision sizes must be positive.");
        }
    }
}
