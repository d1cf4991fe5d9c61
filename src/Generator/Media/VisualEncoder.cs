using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Media.Video;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// Images and videos through the one vision encoder: an image at the image budget, a video as its frames (sampled to
/// <see cref="ProcessorSettings.MaxFrames"/> as transformers.js' <c>EmbeddingGemma2VideoProcessor</c> does) at the
/// video budget. A video is either its frames (images) or one video file (a <c>video/*</c> part), decoded by
/// <see cref="VideoFileDecoder"/> into the frames transformers.js would sample.
/// </summary>
internal sealed class VisualEncoder : IMediaEncoder
{
    private readonly VisionEncoderSession _session;
    private readonly Gemma4ImagePreprocessor _preprocessor;
    private readonly ProcessorSettings _settings;
    private readonly int _softTokens;
    private readonly bool _ownsSession;
    private readonly VideoFileDecoder? _videoFiles;

    public VisualEncoder(MediaKind kind, VisionEncoderSession session, ProcessorSettings settings, int softTokens, bool ownsSession, VideoFileDecoder? videoFiles = null)
    {
        if (kind is not (MediaKind.Image or MediaKind.Video))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "The vision encoder serves images and video.");
        }

        Kind = kind;
        _session = session;
        _settings = settings;
        _softTokens = softTokens;
        _ownsSession = ownsSession;
        _videoFiles = videoFiles;
        _preprocessor = new Gemma4ImagePreprocessor(settings.PatchSize, settings.PoolingKernelSize) { RescaleFactor = settings.RescaleFactor };
    }

    public MediaKind Kind { get; }

    /// <summary>Gets the vision encoder session (opened on the first image or frame).</summary>
    internal VisionEncoderSession Session => _session;

    public string FeatureInputName => Kind == MediaKind.Image ? "image_features" : "video_features";

    public IPreparedMedia Prepare(IReadOnlyList<DataContent> parts, string describe)
    {
        if (parts.Count == 0)
        {
            throw new InvalidDataException($"{describe} has no frames.");
        }

        var prepared = new List<PreparedImage>();
        void Add(RgbImage image, string name)
        {
            PreparedImage frame = _preprocessor.Prepare(image, _softTokens, name);
            if (prepared.Count > 0 && (frame.Width != prepared[0].Width || frame.Height != prepared[0].Height))
            {
                throw new InvalidDataException(
                    $"{describe}: frame {prepared.Count} resizes to {frame.Width}×{frame.Height} but frame 0 to {prepared[0].Width}×{prepared[0].Height}; " +
                    "the frames of a video must share one size.");
            }

            prepared.Add(frame);
        }

        if (Kind == MediaKind.Video && parts.Any(part => part.HasTopLevelMediaType("video")))
        {
            if (parts.Count != 1 || _videoFiles is null)
            {
                throw new InvalidDataException(
                    $"{describe} mixes a video file with other parts; give a video as one video file (video/*) or as its frames (images).");
            }

            string name = MediaDescription.Name(describe, parts[0]);
            _videoFiles.Decode(parts[0].Data, name, (i, image) => Add(image, $"{name} frame {i}"));
            return new PreparedVisual(prepared);
        }

        IReadOnlyList<DataContent> frames = Kind == MediaKind.Video
            ? [.. FrameSampler.Indices(parts.Count, _settings.MaxFrames, _settings.TruncateFrames).Select(i => parts[i])]
            : parts;
        for (int i = 0; i < frames.Count; i++)
        {
            // The pipeline names an image with its file; a video's frames are named here.
            string name = Kind == MediaKind.Video ? MediaDescription.Name($"{describe} frame {i}", frames[i]) : describe;
            Add(ImageDecoder.Decode(frames[i].Data, name), name);
        }

        return new PreparedVisual(prepared);
    }

    public float[] Encode(IReadOnlyList<IPreparedMedia> items, CancellationToken cancellationToken) =>
        _session.Encode([.. items.Cast<PreparedVisual>().SelectMany(v => v.Frames)], cancellationToken);

    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}
