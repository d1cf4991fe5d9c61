namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// The Gemma 4 audio feature extractor's settings, as EmbeddingGemma 2's <c>processor_config.json</c> gives them
/// (<c>feature_extractor</c>: 128 mel bins, 320-sample frames every 160 samples, a 512-point FFT, 0 to 8,000 Hz,
/// mel floor 0.001 added before the log, no pre-emphasis, 16 kHz) and transformers.js's defaults for what that file
/// leaves out (clips cut to 480,000 samples, padded to a multiple of 128).
/// </summary>
internal static class LogMelSettings
{
    public const int MelBins = 128;
    public const int FrameLength = 320;
    public const int HopLength = 160;
    public const int FftLength = 512;
    public const int FrequencyBins = (FftLength / 2) + 1;
    public const double MinFrequency = 0;
    public const double MaxFrequency = 8_000;
    public const double MelFloor = 0.001;
    public const int SamplingRate = 16_000;

    /// <summary>Gemma3nAudioFeatureExtractor's <c>max_length</c> default: longer clips are cut (truncation is on).</summary>
    public const int MaxSamples = 480_000;

    /// <summary>Gemma3nAudioFeatureExtractor's <c>pad_to_multiple_of</c> default.</summary>
    public const int PadToMultipleOf = 128;

    /// <summary>The audio encoder keeps every 4th frame (two stride-2 convolutions): one soft token per 4 frames.</summary>
    public const int FramesPerSoftToken = 4;
}
