namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// The resampler of the <c>wavefile</c> npm package (11.0.0, <c>toSampleRate</c> with its defaults), which
/// transformers.js documents for audio in Node.js: cubic Hermite interpolation (tension 0, zero outside the signal)
/// at input position <c>i * (n - 1) / m</c> for output <c>i</c> of <c>m = trunc(n * rate)</c>, with a 16-stage
/// Butterworth low-pass run forwards then backwards: on the input at the new Nyquist frequency when downsampling, on
/// the output at the old one when upsampling. The arithmetic follows its operation order in doubles.
/// </summary>
/// <remarks>
/// Only the first <c>outputCount</c> samples are produced, from a prefix of the input: the backward filter pass then
/// starts at the end of the prefix rather than of the signal. The prefix reaches one second (of input when
/// downsampling, of output when upsampling) past what interpolation needs; over that second the filter's memory of
/// the skipped tail decays by far more than double precision resolves, for every accepted sample rate, so the
/// result equals the whole-signal one while the memory stays bounded by the output length.
/// </remarks>
internal static class WavefileResampler
{
    private const int FilterStages = 16;

    /// <summary>The output length wavefile gives <paramref name="inputLength"/> samples: <c>trunc(n * rate)</c>.</summary>
    public static long OutputLength(long inputLength, int oldRate, int newRate) =>
        (long)Math.Truncate(inputLength * Rate(oldRate, newRate));

    /// <summary>How many leading input samples <see cref="Resample"/> needs to produce <paramref name="outputCount"/> outputs.</summary>
    public static long InputPrefixLength(long inputLength, int oldRate, int newRate, long outputCount)
    {
        long outputLength = OutputLength(inputLength, oldRate, newRate);
        double scale = (inputLength - 1) / (double)outputLength;
        if (newRate > oldRate)
        {
            long computed = Math.Min(outputLength, outputCount + newRate);
            return Math.Min(inputLength, (long)Math.Floor(scale * (computed - 1)) + 3);
        }

        return Math.Min(inputLength, (long)Math.Floor(scale * (outputCount - 1)) + 3 + oldRate);
    }

    /// <summary>Resamples and returns the first <paramref name="outputCount"/> samples, rounded to float as wavefile stores them.</summary>
    /// <param name="prefix">The first <see cref="InputPrefixLength"/> input samples (overwritten when downsampling).</param>
    /// <param name="inputLength">The whole signal's length, which sets the interpolation positions.</param>
    /// <param name="oldRate">The input's sample rate.</param>
    /// <param name="newRate">The output's sample rate; must differ from <paramref name="oldRate"/>.</param>
    /// <param name="outputCount">How many leading outputs to return (at most <see cref="OutputLength"/>).</param>
    public static float[] Resample(double[] prefix, long inputLength, int oldRate, int newRate, int outputCount)
    {
        long outputLength = OutputLength(inputLength, oldRate, newRate);
        var interpolator = new Interpolator(prefix, inputLength, (inputLength - 1) / (double)outputLength);
        if (newRate > oldRate)
        {
            int computed = (int)Math.Min(outputLength, (long)outputCount + newRate);
            var upsampled = new double[computed];
            var filter = new Butterworth(newRate, oldRate / 2.0);
            for (int i = 0; i < computed; i++)
            {
                upsampled[i] = filter.Filter(interpolator.Cubic(i));
            }

            filter.Reset();
            for (int i = computed - 1; i >= 0; i--)
            {
                upsampled[i] = filter.Filter(upsampled[i]);
            }

            return ToFloats(upsampled, outputCount);
        }

        var lowPass = new Butterworth(oldRate, newRate / 2.0);
        for (int i = 0; i < prefix.Length; i++)
        {
            prefix[i] = lowPass.Filter(prefix[i]);
        }

        lowPass.Reset();
        for (int i = prefix.Length - 1; i >= 0; i--)
        {
            prefix[i] = lowPass.Filter(prefix[i]);
        }

        var output = new float[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            output[i] = (float)interpolator.Cubic(i);
        }

        return output;
    }

    private static double Rate(int oldRate, int newRate) => ((newRate - (double)oldRate) / oldRate) + 1;

    private static float[] ToFloats(double[] values, int count)
    {
        var result = new float[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = (float)values[i];
        }

        return result;
    }

    private readonly struct Interpolator(double[] samples, long length, double scale)
    {
        public double Cubic(long index)
        {
            double t = scale * index;
            long k = (long)Math.Floor(t);
            double m0 = Tangent(k);
            double m1 = Tangent(k + 1);
            double p0 = At(k);
            double p1 = At(k + 1);
            t -= k;
            double t2 = t * t;
            double t3 = t * t2;
            return ((2 * t3) - (3 * t2) + 1) * p0 + (t3 - (2 * t2) + t) * m0 + ((-2 * t3) + (3 * t2)) * p1 + (t3 - t2) * m1;
        }

        private double Tangent(long k) => 1 * (At(k + 1) - At(k - 1)) / 2;

        private double At(long k) => k >= 0 && k < length ? samples[k] : 0;
    }

    private sealed class Butterworth
    {
        private readonly double[] _a1 = new double[FilterStages];
        private readonly double[] _a2 = new double[FilterStages];
        private readonly double[] _b0 = new double[FilterStages];
        private readonly double[] _z0 = new double[FilterStages];
        private readonly double[] _z1 = new double[FilterStages];

        public Butterworth(double sampleRate, double cutOff)
        {
            for (int i = 0; i < FilterStages; i++)
            {
                double q = 0.5 / Math.Sin((Math.PI / (FilterStages * 2)) * (i + 0.5));
                double w = 2 * Math.PI * cutOff / sampleRate;
                double alpha = Math.Sin(w) / (2 * q);
                double cw = Math.Cos(w);
                double a0 = 1 + alpha;
                _a1[i] = (-2 * cw) / a0;
                _a2[i] = (1 - alpha) / a0;
                _b0[i] = (1 - cw) / (2 * a0);
            }
        }

        public double Filter(double sample)
        {
            double output = sample;
            for (int i = 0; i < FilterStages; i++)
            {
                double temp = (output * 1) - (_a1[i] * _z0[i]) - (_a2[i] * _z1[i]);
                double b0 = _b0[i];
                output = (b0 * temp) + (2 * b0 * _z0[i]) + (b0 * _z1[i]);
                _z1[i] = _z0[i];
                _z0[i] = temp;
            }

            return output;
        }

        public void Reset()
        {
            Array.Clear(_z0);
            Array.Clear(_z1);
        }
    }
}
