namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// transformers.js 4.3.1's <c>Gemma4AudioFeatureExtractor</c> (over <c>Gemma3nAudioFeatureExtractor</c> and
/// <c>spectrogram</c>): cut to <see cref="LogMelSettings.MaxSamples"/>, zero-pad to a multiple of 128, prepend 160
/// zeros (semicausal), frames of 320 samples every 160 under a periodic Hann window, 512-point FFT magnitudes (stored
/// as floats, as its <c>Float32Array</c> does), an HTK mel filter bank without normalization, <c>log(mel + 0.001)</c>,
/// <c>floor((n + 160 − 321) / 160) + 1</c> frames (its <c>unfold(frame_length + 1)</c> count), and the mask that
/// keeps a frame only when its last sample is real audio of the original clip; masked rows are zero.
/// </summary>
/// <remarks>
/// The mel product runs in doubles and is rounded once; transformers.js runs it as a float32 ONNX MatMul, so the two
/// differ by float rounding only (the parity tests state the measured bound).
/// </remarks>
internal static class LogMelExtractor
{
    private static readonly double[] s_window = HannWindow();
    private static readonly MelFilter[] s_filters = MelFilters();

    /// <summary>Computes the features of a clip of 16 kHz samples.</summary>
    /// <param name="audio">The clip's leading samples and its whole length.</param>
    public static AudioFeatures Extract(MonoAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        int kept = (int)Math.Min(audio.Samples.Length, LogMelSettings.MaxSamples);
        int padded = kept % LogMelSettings.PadToMultipleOf == 0 ? kept : kept + LogMelSettings.PadToMultipleOf - (kept % LogMelSettings.PadToMultipleOf);
        int padLeft = LogMelSettings.FrameLength / 2;
        int frames = Math.Max(0, FloorDiv(padded + padLeft - (LogMelSettings.FrameLength + 1), LogMelSettings.HopLength) + 1);

        var values = new float[frames * LogMelSettings.MelBins];
        var mask = new bool[frames];
        var fft = new RealFft(LogMelSettings.FftLength);
        var buffer = new double[LogMelSettings.FftLength];
        var magnitudes = new float[LogMelSettings.FrequencyBins];
        long original = audio.Length;
        int softTokens = 0;
        for (int frame = 0; frame < frames; frame++)
        {
            // Frame i's window ends at padded sample i·hop + frame_length; it is valid when that sample is real audio.
            long last = ((long)frame * LogMelSettings.HopLength) + LogMelSettings.FrameLength;
            mask[frame] = last >= padLeft && last < padLeft + original;
            if (!mask[frame])
            {
                continue;
            }

            if (frame % LogMelSettings.FramesPerSoftToken == 0)
            {
                softTokens++;
            }

            Array.Clear(buffer);
            int start = (frame * LogMelSettings.HopLength) - padLeft;
            for (int j = 0; j < LogMelSettings.FrameLength; j++)
            {
                int at = start + j;
                double sample = at >= 0 && at < kept ? audio.Samples[at] : 0;
                buffer[j] = sample * s_window[j];
            }

            fft.Magnitudes(buffer, magnitudes);
            Span<float> row = values.AsSpan(frame * LogMelSettings.MelBins, LogMelSettings.MelBins);
            for (int m = 0; m < LogMelSettings.MelBins; m++)
            {
                MelFilter filter = s_filters[m];
                double sum = 0;
                for (int k = 0; k < filter.Weights.Length; k++)
                {
                    sum += (double)filter.Weights[k] * magnitudes[filter.First + k];
                }

                float mel = (float)sum;
                float floored = (float)(mel + LogMelSettings.MelFloor);
                row[m] = (float)Math.Log(floored);
            }
        }

        return new AudioFeatures(values, mask, frames, softTokens);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);

    // hanning(321)[0..320): transformers.js's periodic Hann window.
    private static double[] HannWindow()
    {
        int m = LogMelSettings.FrameLength + 1;
        double factor = (2 * Math.PI) / (m - 1);
        var window = new double[LogMelSettings.FrameLength];
        for (int i = 0; i < window.Length; i++)
        {
            window[i] = 0.5 - (0.5 * Math.Cos(i * factor));
        }

        return window;
    }

    // mel_filter_bank(257, 128, 0, 8000, 16000, norm null, 'htk', triangularize_in_mel_space false), as float32.
    private static MelFilter[] MelFilters()
    {
        static double HertzToMel(double f) => 2595.0 * Math.Log10(1.0 + (f / 700.0));
        static double MelToHertz(double m) => 700.0 * (Math.Pow(10.0, m / 2595.0) - 1.0);
        static double[] Linspace(double start, double end, int count)
        {
            double step = (end - start) / (count - 1);
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = start + (step * i);
            }

            return values;
        }

        double[] melPoints = Linspace(HertzToMel(LogMelSettings.MinFrequency), HertzToMel(LogMelSettings.MaxFrequency), LogMelSettings.MelBins + 2);
        double[] filterFrequencies = melPoints.Select(MelToHertz).ToArray();
        double[] fftFrequencies = Linspace(0, Math.Floor(LogMelSettings.SamplingRate / 2.0), LogMelSettings.FrequencyBins);
        var filters = new MelFilter[LogMelSettings.MelBins];
        for (int i = 0; i < filters.Length; i++)
        {
            var weights = new float[LogMelSettings.FrequencyBins];
            for (int j = 0; j < weights.Length; j++)
            {
                double down = -(filterFrequencies[i] - fftFrequencies[j]) / (filterFrequencies[i + 1] - filterFrequencies[i]);
                double up = (filterFrequencies[i + 2] - fftFrequencies[j]) / (filterFrequencies[i + 2] - filterFrequencies[i + 1]);
                weights[j] = (float)Math.Max(0, Math.Min(down, up));
            }

            // Zero weights add nothing to the sum: keep only the band.
            int first = Array.FindIndex(weights, w => w != 0);
            int last = Array.FindLastIndex(weights, w => w != 0);
            filters[i] = first < 0 ? new MelFilter(0, []) : new MelFilter(first, weights[first..(last + 1)]);
        }

        return filters;
    }

    private sealed record MelFilter(int First, float[] Weights);
}
