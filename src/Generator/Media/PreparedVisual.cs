namespace SkEmbeddingGemma.Media;

/// <summary>An image (one frame) or a video (its sampled frames, all of one size) ready for the vision encoder.</summary>
/// <param name="Frames">The frames; one for an image.</param>
internal sealed record PreparedVisual(IReadOnlyList<PreparedImage> Frames) : IPreparedMedia
{
    /// <inheritdoc />
    public int SoftTokens => Frames[0].SoftTokens;

    /// <inheritdoc />
    public int Blocks => Frames.Count;
}
