using Xunit;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>Generated WAV clips: the formats, rates, channel counts and lengths the audio tests cover.</summary>
public static class TestClips
{
    /// <summary>A named WAV file and, where wavefile misreads it, what the transformers.js recipe reads instead.</summary>
    /// <remarks>wavefile takes any extensible format for integers (<c>bitDepthFromFmt_</c> checks only tag 3), so an
    /// extensible float clip is compared with the same samples in a plain float file.</remarks>
    public sealed record Clip(string Name, byte[] Bytes, byte[]? ReferenceBytes = null);

    public static IReadOnlyList<Clip> All { get; } =
    [
        new("sine-16k-mono-16bit-0.1s", Tone(16_000, 1, 0.1, 16)),
        new("speechlike-44k-stereo-16bit-2s", Tone(44_100, 2, 2.0, 16)),
        new("tone-8k-mono-8bit-1.5s", Tone(8_000, 1, 1.5, 8)),
        new("silence-16k-mono-float-1s", WavFileWriter.Encode(new float[16_000], 1, 16_000, 32, isFloat: true)),
        new("tone-48k-stereo-float-extensible-1s", Tone(48_000, 2, 1.0, 32, isFloat: true, extensible: true), Tone(48_000, 2, 1.0, 32, isFloat: true)),
        new("tone-11k-mono-16bit-extensible-0.3s", Tone(11_025, 1, 0.3, 16, extensible: true)),
        new("tone-22k-mono-32bit-0.7s", Tone(22_050, 1, 0.7, 32)),
        new("tone-16k-3ch-24bit-0.5s", Tone(16_000, 3, 0.5, 24)),
        new("tone-44k-stereo-16bit-60s", Tone(44_100, 2, 60.0, 16)),
    ];

    /// <summary>Writes clips as <c>&lt;name&gt;.wav</c> into <paramref name="folder"/> and returns the paths, in order.</summary>
    public static List<string> Write(string folder, IEnumerable<Clip> clips, bool reference = false)
    {
        var files = new List<string>();
        foreach (Clip clip in clips)
        {
            bool twin = reference && clip.ReferenceBytes is not null;
            string file = Path.Combine(folder, clip.Name + (twin ? ".reference.wav" : ".wav"));
            File.WriteAllBytes(file, twin ? clip.ReferenceBytes! : clip.Bytes);
            files.Add(file);
        }

        return files;
    }

    /// <summary>The largest absolute difference between two equally long sequences.</summary>
    public static double MaxError(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double max = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }

    /// <inheritdoc cref="MaxError(IReadOnlyList{double}, IReadOnlyList{double})"/>
    public static double MaxError(IReadOnlyList<float> expected, IReadOnlyList<float> actual) =>
        MaxError([.. expected.Select(x => (double)x)], [.. actual.Select(x => (double)x)]);

    /// <summary>A deterministic mix per channel: two tones that differ by channel, a chirp and a little noise.</summary>
    public static float[] Signal(int sampleRate, int channels, double seconds)
    {
        int frames = (int)Math.Round(sampleRate * seconds);
        var samples = new float[frames * channels];
        var random = new Random(1234);
        for (int i = 0; i < frames; i++)
        {
            double t = i / (double)sampleRate;
            for (int c = 0; c < channels; c++)
            {
                double f = 220 * (c + 1);
                double chirp = Math.Sin(2 * Math.PI * (100 + 300 * t) * t * (1 + c));
                samples[(i * channels) + c] = (float)((0.4 * Math.Sin(2 * Math.PI * f * t)) + (0.2 * Math.Sin(2 * Math.PI * 3_100 * t)) + (0.2 * chirp) + (0.05 * (random.NextDouble() - 0.5)));
            }
        }

        return samples;
    }

    private static byte[] Tone(int sampleRate, int channels, double seconds, int bits, bool isFloat = false, bool extensible = false) =>
        WavFileWriter.Encode(Signal(sampleRate, channels, seconds), channels, sampleRate, bits, isFloat, extensible);
}
