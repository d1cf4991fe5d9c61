using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// The encoders of a multimodal model folder, one per modality this library embeds: each modality registers here
/// (images and video share the vision encoder session). Nothing is loaded until an item of that modality comes.
/// </summary>
internal static class MediaEncoders
{
    public static Dictionary<MediaKind, IMediaEncoder> Create(
        string modelDirectory, string onnxDirectory, EmbeddingGemmaGeneratorOptions options, Func<SessionOptions> sessionOptions)
    {
        ProcessorSettings settings = ProcessorSettings.Load(modelDirectory);
        var vision = new VisionEncoderSession(onnxDirectory, sessionOptions);
        return new Dictionary<MediaKind, IMediaEncoder>
        {
            [MediaKind.Image] = new VisualEncoder(MediaKind.Image, vision, settings, options.ImageSoftTokens ?? settings.ImageSoftTokens, ownsSession: true),
            [MediaKind.Video] = new VisualEncoder(MediaKind.Video, vision, settings, settings.VideoSoftTokens, ownsSession: false,
                new Video.VideoFileDecoder(options.VideoFramesPerSecond, settings.MaxFrames, settings.TruncateFrames)),
            [MediaKind.Audio] = new Audio.AudioMediaEncoder(onnxDirectory, sessionOptions),
        };
    }
}
