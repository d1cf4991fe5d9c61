using System.Collections;

namespace SkEmbeddingGemma.Quantization;

/// <summary>
/// The rules of sentence-transformers' <c>quantize_embeddings</c> for one embedding, in float32 arithmetic as numpy
/// runs them: <c>uint8 = trunc((x - min) / step)</c> and <c>int8 = trunc((x - min) / step - 128)</c> with
/// <c>step = (max - min) / 255</c>; <c>ubinary</c> packs the sign bits <c>x &gt; 0</c> eight to a byte, first dimension in
/// the most significant bit (<c>np.packbits</c>), and <c>binary</c> is those bytes minus 128 as int8.
/// </summary>
/// <remarks>
/// Two deliberate differences where numpy's result is undefined: a value outside its calibration range is clamped to
/// the first or last bucket (numpy's float-to-integer cast wraps it around, e.g. 300 becomes 44), and NaN or infinite
/// values are refused. A width that is not a multiple of 8 is padded with zero bits per embedding, as
/// <c>np.packbits(axis=-1)</c> does (sentence-transformers packs the flattened batch, which only agrees for such widths).
/// </remarks>
public static class EmbeddingQuantizer
{
    /// <summary>Gets the number of bytes that hold the packed sign bits of <paramref name="dimensions"/> dimensions.</summary>
    /// <param name="dimensions">The embedding width.</param>
    /// <returns><c>ceil(dimensions / 8)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is negative.</exception>
    public static int PackedLength(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimensions);
        return (dimensions + 7) / 8;
    }

    /// <summary>Quantizes to uint8 buckets (sentence-transformers' <c>uint8</c> precision).</summary>
    /// <param name="embedding">The float embedding.</param>
    /// <param name="ranges">Calibration ranges of the same width.</param>
    /// <param name="destination">Receives one byte per dimension.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ranges"/> is null.</exception>
    /// <exception cref="ArgumentException">The widths differ, or a value is NaN or infinite.</exception>
    public static void QuantizeUInt8(ReadOnlySpan<float> embedding, QuantizationRanges ranges, Span<byte> destination)
    {
        CheckWidths(embedding, ranges, destination.Length);
        ReadOnlySpan<float> starts = ranges.Minimums.Span;
        ReadOnlySpan<float> steps = ranges.Steps;
        for (int i = 0; i < embedding.Length; i++)
        {
            float bucket = (CheckFinite(embedding, i) - starts[i]) / steps[i];
            destination[i] = (byte)Math.Clamp(MathF.Truncate(bucket), 0f, 255f);
        }
    }

    /// <summary>Quantizes to int8 buckets (sentence-transformers' <c>int8</c> precision).</summary>
    /// <param name="embedding">The float embedding.</param>
    /// <param name="ranges">Calibration ranges of the same width.</param>
    /// <param name="destination">Receives one value per dimension.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ranges"/> is null.</exception>
    /// <exception cref="ArgumentException">The widths differ, or a value is NaN or infinite.</exception>
    public static void QuantizeInt8(ReadOnlySpan<float> embedding, QuantizationRanges ranges, Span<sbyte> destination)
    {
        CheckWidths(embedding, ranges, destination.Length);
        ReadOnlySpan<float> starts = ranges.Minimums.Span;
        ReadOnlySpan<float> steps = ranges.Steps;
        for (int i = 0; i < embedding.Length; i++)
        {
            // Subtracting 128 before truncating (toward zero) is what numpy does; it differs from uint8 - 128 below 0.
            float bucket = ((CheckFinite(embedding, i) - starts[i]) / steps[i]) - 128f;
            destination[i] = (sbyte)Math.Clamp(MathF.Truncate(bucket), -128f, 127f);
        }
    }

    /// <summary>Packs the sign bits (<c>x &gt; 0</c>) as sentence-transformers' <c>ubinary</c> precision.</summary>
    /// <param name="embedding">The float embedding.</param>
    /// <param name="destination">Receives <see cref="PackedLength"/> bytes, first dimension in the most significant bit.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length, or a value is NaN or infinite.</exception>
    public static void PackUnsignedBinary(ReadOnlySpan<float> embedding, Span<byte> destination)
    {
        CheckPackedLength(embedding.Length, destination.Length);
        destination.Clear();
        for (int i = 0; i < embedding.Length; i++)
        {
            if (CheckFinite(embedding, i) > 0f)
            {
                destination[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }
    }

    /// <summary>Packs the sign bits as sentence-transformers' <c>binary</c> precision: the <c>ubinary</c> bytes minus 128.</summary>
    /// <param name="embedding">The float embedding.</param>
    /// <param name="destination">Receives <see cref="PackedLength"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length, or a value is NaN or infinite.</exception>
    public static void PackSignedBinary(ReadOnlySpan<float> embedding, Span<sbyte> destination)
    {
        Span<byte> unsigned = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        PackUnsignedBinary(embedding, unsigned);
        for (int i = 0; i < unsigned.Length; i++)
        {
            // uint8 - 128 in numpy wraps within uint8 before the int8 cast: the same as flipping the top bit.
            unsigned[i] ^= 0x80;
        }
    }

    /// <summary>Gets the sign bits (<c>x &gt; 0</c>) as a <see cref="BitArray"/> whose bit <c>i</c> is dimension <c>i</c>.</summary>
    /// <param name="embedding">The float embedding.</param>
    /// <returns>One bit per dimension.</returns>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static BitArray ToBitArray(ReadOnlySpan<float> embedding)
    {
        var bits = new BitArray(embedding.Length);
        for (int i = 0; i < embedding.Length; i++)
        {
            bits[i] = CheckFinite(embedding, i) > 0f;
        }

        return bits;
    }

    /// <summary>Packs bits in <c>ubinary</c> order (bit <c>i</c> into byte <c>i / 8</c>, most significant bit first).</summary>
    /// <param name="bits">The bits, e.g. a <c>BinaryEmbedding.Vector</c>.</param>
    /// <param name="destination">Receives <see cref="PackedLength"/> bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="bits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public static void PackBits(BitArray bits, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(bits);
        CheckPackedLength(bits.Length, destination.Length);
        destination.Clear();
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                destination[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }
    }

    /// <summary>Unpacks <c>ubinary</c> bytes (most significant bit first) into <paramref name="dimensions"/> bits.</summary>
    /// <param name="packed">The packed bytes.</param>
    /// <param name="dimensions">The embedding width.</param>
    /// <returns>One bit per dimension.</returns>
    /// <exception cref="ArgumentException"><paramref name="packed"/> has the wrong length for <paramref name="dimensions"/>.</exception>
    public static BitArray UnpackBits(ReadOnlySpan<byte> packed, int dimensions)
    {
        CheckPackedLength(dimensions, packed.Length);
        var bits = new BitArray(dimensions);
        for (int i = 0; i < dimensions; i++)
        {
            bits[i] = (packed[i >> 3] & (0x80 >> (i & 7))) != 0;
        }

        return bits;
    }

    private static float CheckFinite(ReadOnlySpan<float> embedding, int index)
    {
        float value = embedding[index];
        return float.IsFinite(value)
            ? value
            : throw new ArgumentException($"The embedding has a non-finite value ({value}) in dimension {index}; it cannot be quantized.", nameof(embedding));
    }

    private static void CheckWidths(ReadOnlySpan<float> embedding, QuantizationRanges ranges, int destinationLength)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (embedding.Length != ranges.Dimensions)
        {
            throw new ArgumentException(
                $"The embedding has {embedding.Length} dimensions; the quantization ranges were calibrated at {ranges.Dimensions}. "
                + "Calibrate at the Matryoshka width you quantize.",
                nameof(embedding));
        }

        if (destinationLength != embedding.Length)
        {
            throw new ArgumentException($"The destination holds {destinationLength} values; the embedding has {embedding.Length} dimensions.", "destination");
        }
    }

    private static void CheckPackedLength(int dimensions, int packedLength)
    {
        if (packedLength != PackedLength(dimensions))
        {
            throw new ArgumentException($"{dimensions} bits pack into {PackedLength(dimensions)} bytes, not {packedLength}.", "destination");
        }
    }
}
