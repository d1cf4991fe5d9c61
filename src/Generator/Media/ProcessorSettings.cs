using System.Text.Json;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// What <c>processor_config.json</c> says about images and video (transformers.js' <c>EmbeddingGemma2Processor</c>
/// reads the same keys); the defaults are its class defaults.
/// </summary>
internal sealed record ProcessorSettings
{
    /// <summary>Gets the patch side in pixels.</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Gets the pooling kernel side.</summary>
    public int PoolingKernelSize { get; init; } = 3;

    /// <summary>Gets the per-image soft-token budget.</summary>
    public int ImageSoftTokens { get; init; } = 280;

    /// <summary>Gets the per-frame soft-token budget of videos.</summary>
    public int VideoSoftTokens { get; init; } = 280;

    /// <summary>Gets the most frames a video keeps.</summary>
    public int MaxFrames { get; init; } = 32;

    /// <summary>Gets whether longer videos keep their first frames (<c>truncate</c>) rather than evenly spaced ones.</summary>
    public bool TruncateFrames { get; init; }

    /// <summary>Gets the factor applied to 8-bit pixel values.</summary>
    public double RescaleFactor { get; init; } = 1 / 255.0;

    /// <summary>Reads a model folder's <c>processor_config.json</c>; the defaults when it has none.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or a value has the wrong type.</exception>
    public static ProcessorSettings Load(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, "processor_config.json");
        var settings = new ProcessorSettings();
        if (!File.Exists(path))
        {
            return settings;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("image_processor", out JsonElement image) && image.ValueKind == JsonValueKind.Object)
            {
                settings = settings with
                {
                    PatchSize = Int(image, "patch_size") ?? settings.PatchSize,
                    PoolingKernelSize = Int(image, "pooling_kernel_size") ?? settings.PoolingKernelSize,
                    ImageSoftTokens = Int(image, "max_soft_tokens") ?? settings.ImageSoftTokens,
                    RescaleFactor = image.TryGetProperty("rescale_factor", out JsonElement r) ? r.GetDouble() : settings.RescaleFactor,
                };
            }

            if (root.TryGetProperty("video_processor", out JsonElement video) && video.ValueKind == JsonValueKind.Object)
            {
                settings = settings with
                {
                    VideoSoftTokens = Int(video, "max_soft_tokens") ?? settings.VideoSoftTokens,
                    MaxFrames = Int(video, "max_frames") ?? settings.MaxFrames,
                    TruncateFrames = video.TryGetProperty("overflow_strategy", out JsonElement s) && s.GetString() == "truncate",
                };
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a valid processor config: {ex.Message}", ex);
        }

        if (settings.PatchSize <= 0 || settings.PoolingKernelSize <= 0 || settings.ImageSoftTokens <= 0 || settings.VideoSoftTokens <= 0 || settings.MaxFrames <= 0)
        {
            throw new InvalidDataException($"'{path}': patch_size, pooling_kernel_size, max_soft_tokens and max_frames must be positive.");
        }

        return settings;
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
