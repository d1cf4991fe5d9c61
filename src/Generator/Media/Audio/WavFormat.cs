namespace SkEmbeddingGemma.Media.Audio;

/// <summary>The layout of a WAV file's samples, as its <c>fmt </c> and <c>data</c> chunks declare it.</summary>
/// <param name="IsFloat">IEEE float samples (format 3, or extensible with the float sub-format); otherwise integer PCM.</param>
/// <param name="BitsPerSample">8 (unsigned), 16, 24 or 32 for integers; 32 or 64 for floats.</param>
/// <param name="Channels">Interleaved channels per frame.</param>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="FrameCount">Whole frames in the data chunk.</param>
internal readonly record struct WavFormat(bool IsFloat, int BitsPerSample, int Channels, int SampleRate, long FrameCount)
{
    public int BytesPerSample => BitsPerSample / 8;

    public int BlockAlign => BytesPerSample * Channels;

    public double DurationSeconds => (double)FrameCount / SampleRate;
}
