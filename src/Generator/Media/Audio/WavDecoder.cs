namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// Turns a WAV stream into 16 kHz mono samples as transformers.js's documented Node.js recipe does
/// (<c>wavefile</c>: <c>toBitDepth('32f')</c>, <c>toSampleRate(16000)</c>, then channels 0 and 1 merged as
/// <c>√2 · (left + right) / 2</c>, the first channel alone when mono).
/// </summary>
/// <remarks>
/// Differences from that recipe, on purpose: 16 kHz input is used as it is, while wavefile would still resample it
/// (its interpolation positions <c>i · (n − 1) / n</c> drift by up to one sample over the clip, and its filter then
/// sits at the Nyquist frequency) — an artefact no caller wants; and only the leading samples the feature extractor
/// keeps are produced (see <see cref="WavefileResampler"/>), so memory is bounded by that limit whatever the file's
/// length, which is itself bounded by <see cref="AudioDecodingLimits.MaxDuration"/>. Like the recipe, channels past
/// the second are not mixed in.
/// </remarks>
internal static class WavDecoder
{
    public const int TargetSampleRate = 16_000;

    /// <summary>Decodes <paramref name="stream"/> (read forwards to its data chunk's end).</summary>
    /// <param name="stream">The WAV bytes.</param>
    /// <param name="name">The input's name for errors.</param>
    /// <param name="maxSamples">How many leading 16 kHz samples to produce at most.</param>
    /// <param name="limits">The bounds on accepted files.</param>
    /// <param name="cancellationToken">Cancels between blocks of samples.</param>
    /// <exception cref="EmbeddingGemmaAudioException">The stream is not a supported WAV file or breaks a limit.</exception>
    public static MonoAudio Decode(Stream stream, string name, int maxSamples, AudioDecodingLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WavFormat format = WavReader.ReadHeader(stream, name, limits);
        int rate = format.SampleRate;
        long length = rate == TargetSampleRate ? format.FrameCount : WavefileResampler.OutputLength(format.FrameCount, rate, TargetSampleRate);
        if (length == 0)
        {
            throw new EmbeddingGemmaAudioException(name, "is too short to hold one sample at 16 kHz.");
        }

        int outputCount = (int)Math.Min(length, maxSamples);
        long prefix = rate == TargetSampleRate ? outputCount : WavefileResampler.InputPrefixLength(format.FrameCount, rate, TargetSampleRate, outputCount);
        int channelCount = Math.Min(format.Channels, 2);
        float[][] channels = WavReader.ReadSamples(stream, format, channelCount, (int)prefix, name, cancellationToken);

        var resampled = new float[channelCount][];
        for (int c = 0; c < channelCount; c++)
        {
            resampled[c] = rate == TargetSampleRate
                ? channels[c]
                : WavefileResampler.Resample(ToDoubles(channels[c]), format.FrameCount, rate, TargetSampleRate, outputCount);
            channels[c] = [];
        }

        var mono = new double[outputCount];
        if (channelCount == 1)
        {
            for (int i = 0; i < outputCount; i++)
            {
                mono[i] = resampled[0][i];
            }
        }
        else
        {
            // ffmpeg's -ac 1 scaling, as transformers.js merges stereo.
            double scaling = Math.Sqrt(2);
            for (int i = 0; i < outputCount; i++)
            {
                mono[i] = scaling * ((double)resampled[0][i] + resampled[1][i]) / 2;
            }
        }

        return new MonoAudio(mono, length);
    }

    private static double[] ToDoubles(float[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
