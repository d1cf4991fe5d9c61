namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// Bounds on the WAV files the decoder accepts, so a huge or hostile file fails fast with a clear error instead of
/// holding the caller's memory or time.
/// </summary>
internal sealed record AudioDecodingLimits
{
    /// <summary>Gets the longest input accepted. Only the first <see cref="LogMelSettings.MaxSamples"/> samples at
    /// 16 kHz are used (as transformers.js truncates), but a longer file is still read to its end to check it.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the lowest sample rate accepted; below it the resampler's filters would need long warm-ups.</summary>
    public int MinSampleRate { get; init; } = 3_000;

    /// <summary>Gets the highest sample rate accepted.</summary>
    public int MaxSampleRate { get; init; } = 768_000;

    /// <summary>Gets the most channels accepted.</summary>
    public int MaxChannels { get; init; } = 64;

    /// <summary>Gets the default limits.</summary>
    public static AudioDecodingLimits Default { get; } = new();
}
