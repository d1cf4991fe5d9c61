using System.Collections;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Bit vectors (<see cref="BinaryEmbedding"/>, <see cref="BitArray"/>) on their way through the connector. Inside, a bit
/// vector travels as a float row of +1 (bit set) and -1, so the write, rebuild and search paths are the float ones; the
/// binary index keeps their sign bits and SQLite stores them packed, one bit per dimension.
/// </summary>
/// <remarks>
/// The packing is sentence-transformers' <c>ubinary</c> order (dimension <c>i</c> in byte <c>i / 8</c>, most significant
/// bit first), the same bytes the generator package's quantizer produces; the connector packs them itself because the
/// two packages do not reference each other.
/// </remarks>
internal static class FaissBinaryVectors
{
    internal const string SupportedTypes = "BinaryEmbedding, BitArray";

    internal static bool IsBinaryType(Type type) => type == typeof(BinaryEmbedding) || type == typeof(BitArray);

    /// <summary>Gets the bytes one packed row of <paramref name="dimensions"/> bits takes.</summary>
    internal static int PackedLength(int dimensions) => (dimensions + 7) / 8;

    /// <summary>Gets the ±1 row of a bit vector value (a <see cref="BinaryEmbedding"/> or <see cref="BitArray"/>), or null for another value.</summary>
    internal static float[]? ToSigns(object? value)
    {
        BitArray? bits = value switch
        {
            BinaryEmbedding embedding => embedding.Vector,
            BitArray array => array,
            _ => null,
        };
        if (bits is null)
        {
            return null;
        }

        var signs = new float[bits.Length];
        for (int i = 0; i < signs.Length; i++)
        {
            signs[i] = bits[i] ? 1f : -1f;
        }

        return signs;
    }

    /// <summary>Creates the property value of <paramref name="type"/> from a ±1 row.</summary>
    internal static object FromSigns(float[] signs, Type type)
    {
        var bits = new BitArray(signs.Length);
        for (int i = 0; i < signs.Length; i++)
        {
            bits[i] = signs[i] > 0f;
        }

        return type == typeof(BitArray) ? bits : new BinaryEmbedding(bits);
    }

    /// <summary>Packs the sign bits (<c>x &gt; 0</c>) of a row into <paramref name="destination"/> (<see cref="PackedLength"/> bytes).</summary>
    internal static void PackSigns(ReadOnlySpan<float> row, Span<byte> destination)
    {
        destination.Clear();
        for (int i = 0; i < row.Length; i++)
        {
            if (row[i] > 0f)
            {
                destination[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }
    }

    /// <summary>Packs a ±1 row for SQLite.</summary>
    internal static byte[] ToBlob(float[] signs)
    {
        var blob = new byte[PackedLength(signs.Length)];
        PackSigns(signs, blob);
        return blob;
    }

    /// <summary>Unpacks a SQLite blob of <paramref name="dimensions"/> bits into a ±1 row.</summary>
    /// <exception cref="InvalidDataException">The blob has the wrong length for <paramref name="dimensions"/>.</exception>
    internal static float[] FromBlob(byte[] blob, int dimensions)
    {
        if (blob.Length != PackedLength(dimensions))
        {
            throw new InvalidDataException($"A stored bit vector has {blob.Length} bytes; {dimensions} dimensions take {PackedLength(dimensions)}.");
        }

        var signs = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            signs[i] = (blob[i >> 3] & (0x80 >> (i & 7))) != 0 ? 1f : -1f;
        }

        return signs;
    }
}
