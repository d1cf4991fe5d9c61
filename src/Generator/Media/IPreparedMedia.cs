namespace SkEmbeddingGemma.Media;

/// <summary>One media item decoded and preprocessed for its encoder.</summary>
internal interface IPreparedMedia
{
    /// <summary>Gets the soft tokens of one block (an image, one video frame, an audio clip).</summary>
    int SoftTokens { get; }

    /// <summary>Gets the number of blocks: the sampled frames of a video, else 1.</summary>
    int Blocks { get; }
}
