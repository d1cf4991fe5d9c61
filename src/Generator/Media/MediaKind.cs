namespace SkEmbeddingGemma.Media;

/// <summary>The media an EmbeddingGemma 2 input can hold besides text; each has its placeholder and feature input.</summary>
internal enum MediaKind
{
    /// <summary>An image: <c>&lt;|image|&gt;</c>, <c>image_features</c>.</summary>
    Image,

    /// <summary>A video as a sequence of frames: <c>&lt;|video|&gt;</c>, <c>video_features</c>.</summary>
    Video,

    /// <summary>An audio clip: <c>&lt;|audio|&gt;</c>, <c>audio_features</c>.</summary>
    Audio,
}
