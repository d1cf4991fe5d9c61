using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// Images and videos through the one vision encoder: an image at the image budget, a video as its frames (sampled to
/// <see cref="ProcessorSettings.MaxFrames"/> as transformers.js' <c>EmbeddingGemma2VideoProcessor</c> does) at the
/// video budget.
/// </summary>
internal sealed class VisualEncoder : IMediaEncoder
{
    private readonly VisionEncoderSession _session;
    private readonly Gemma4ImagePreprocessor _preprocessor;
    private readonly ProcessorSettings _settings;
    private readonly int _softTokens;
    private readonly bool _ownsSession;

    public VisualEncoder(MediaKind kind, VisionEncoderSession session, ProcessorSettings settings, int softTokens, bool ownsSession)
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

        IReadOnlyList<DataContent> frames = Kind == MediaKind.Video ? SampleFrames(parts) : parts;
        var prepared = new PreparedImage[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            // The pipeline names an image with its file; a video's frames are named here.
            string name = Kind == MediaKind.Video ? MediaDescription.Name($"{describe} frame {i}", frames[i]) : describe;
            prepared[i] = _preprocessor.Prepare(ImageDecoder.Decode(frames[i].Data, name), _softTokens, name);
            if (prepared[i].Width != prepared[0].Width || prepared[i].Height != prepared[0].Height)
            {
                throw new InvalidDataException(
                    $"{describe}: frame {i} resizes to {prepared[i].Width}×{prepared[i].Height} but frame 0 to {prepared[0].Width}×{prepared[0].Height}; " +
                    "the frames of a video must share one size.");
            }
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

    // np.linspace(0, n - 1, max).astype(int), as transformers.js' sample_frames computes it.
    private IReadOnlyList<DataContent> SampleFrames(IReadOnlyList<DataContent> frames)
    {
        int count = frames.Count, max = _settings.MaxFrames;
        if (count <= max)
        {
            return frames;
        }

        if (_settings.TruncateFrames)
        {
            return [.. frames.Take(max)];
        }

        double step = max > 1 ? (count - 1) / (double)(max - 1) : 0;
        return [.. Enumerable.Range(0, max).Select(i => frames[i > 0 && i == max - 1 ? count - 1 : (int)Math.Floor(i * step)])];
    }
}
