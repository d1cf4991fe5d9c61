namespace SkEmbeddingGemma.Media.Audio;

/// <summary>A radix-2 FFT of real input in doubles, returning the one-sided magnitudes as transformers.js stores them.</summary>
internal sealed class RealFft
{
    private readonly int _length;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _reverse;
    private readonly double[] _re;
    private readonly double[] _im;

    public RealFft(int length)
    {
        if (length < 2 || (length & (length - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The FFT length must be a power of two.");
        }

        _length = length;
        _cos = new double[length / 2];
        _sin = new double[length / 2];
        for (int i = 0; i < length / 2; i++)
        {
            _cos[i] = Math.Cos(2 * Math.PI * i / length);
            _sin[i] = -Math.Sin(2 * Math.PI * i / length);
        }

        int bits = int.Log2(length);
        _reverse = new int[length];
        for (int i = 0; i < length; i++)
        {
            _reverse[i] = (int)(uint.RotateLeft(ReverseBits((uint)i), bits) & (uint)(length - 1));
        }

        _re = new double[length];
        _im = new double[length];
    }

    /// <summary>
    /// Writes <c>sqrt(float(re² + im²))</c> for bins <c>0..length/2</c>: transformers.js keeps the power in a
    /// <c>Float32Array</c> and takes its square root there.
    /// </summary>
    public void Magnitudes(ReadOnlySpan<double> input, Span<float> magnitudes)
    {
        for (int i = 0; i < _length; i++)
        {
            _re[_reverse[i]] = input[i];
            _im[_reverse[i]] = 0;
        }

        for (int size = 2; size <= _length; size <<= 1)
        {
            int half = size >> 1;
            int step = _length / size;
            for (int start = 0; start < _length; start += size)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = _cos[k * step];
                    double wi = _sin[k * step];
                    int a = start + k;
                    int b = a + half;
                    double tr = (_re[b] * wr) - (_im[b] * wi);
                    double ti = (_re[b] * wi) + (_im[b] * wr);
                    _re[b] = _re[a] - tr;
                    _im[b] = _im[a] - ti;
                    _re[a] += tr;
                    _im[a] += ti;
                }
            }
        }

        for (int j = 0; j <= _length / 2; j++)
        {
            float power = (float)((_re[j] * _re[j]) + (_im[j] * _im[j]));
            magnitudes[j] = (float)Math.Sqrt(power);
        }
    }

    private static uint ReverseBits(uint value)
    {
        uint result = 0;
        for (int i = 0; i < 32; i++)
        {
            result = (result << 1) | (value & 1);
            value >>= 1;
        }

        return result;
    }
}
