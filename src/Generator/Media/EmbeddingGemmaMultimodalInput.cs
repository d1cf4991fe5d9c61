using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>
/// One EmbeddingGemma 2 input that mixes text with media, as transformers.js' <c>EmbeddingGemma2Processor</c> takes
/// it: <see cref="Text"/> holds a <c>&lt;|image|&gt;</c>, <c>&lt;|video|&gt;</c> or <c>&lt;|audio|&gt;</c> placeholder
/// per item, and each list holds that modality's items in placeholder order.
/// </summary>
/// <remarks>
/// Without text the input is its placeholders joined by spaces: images, then videos, then audio. Images are encoded
/// files (PNG, JPEG, WebP, BMP, GIF first frame); a video is its frames as such images, all of one size.
/// </remarks>
public sealed class EmbeddingGemmaMultimodalInput
{
    /// <summary>Gets the text with one placeholder per media item, or <see langword="null"/> for media alone.</summary>
    public string? Text { get; init; }

    /// <summary>Gets the images, in the order of the text's <c>&lt;|image|&gt;</c> placeholders.</summary>
    public IReadOnlyList<DataContent> Images { get; init; } = [];

    /// <summary>
    /// Gets the videos, in the order of the text's <c>&lt;|video|&gt;</c> placeholders: each a sequence of frames
    /// (images), or a single video file (a <c>video/*</c> <see cref="DataContent"/>, decoded with FFmpeg).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DataContent>> Videos { get; init; } = [];

    /// <summary>Gets the audio clips, in the order of the text's <c>&lt;|audio|&gt;</c> placeholders.</summary>
    public IReadOnlyList<DataContent> Audio { get; init; } = [];
}
