using System.Collections;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Bit vectors (<see cref="BinaryEmbedding"/>, <see cref="BitArray"/>) on their way through the connector. Inside, a bit
/// vector travels as a float row of +1 (bit set) and -1, so the write, rebuild and search paths are the float ones; the
/// binary index keeps their sign bits and SQLite stores them packed (<c>ubinary</c> order), one bit per dimension.
/// </summary>
internal static class FaissBinaryVectors
{
    internal const string SupportedTypes = "BinaryEmbedding, BitArray";

    internal static bool IsBinaryType(Type type) => type == typeof(BinaryEmbedding) || type == typeof(BitArray);

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
        BitArray bits = EmbeddingQuantizer.ToBitArray(signs);
        return type == typeof(BitArray) ? bits : new BinaryEmbedding(bits);
    }

    /// <summary>Packs a ±1 row for SQLite.</summary>
    internal static byte[] ToBlob(float[] signs)
    {
        var blob = new byte[EmbeddingQuantizer.PackedLength(signs.Length)];
        EmbeddingQuantizer.PackUnsignedBinary(signs, blob);
        return blob;
    }

    /// <summary>Unpacks a SQLite blob of <paramref name="dimensions"/> bits into a ±1 row.</summary>
    internal static float[] FromBlob(byte[] blob, int dimensions)
    {
        BitArray bits = EmbeddingQuantizer.UnpackBits(blob, dimensions);
        var signs = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            signs[i] = bits[i] ? 1f : -1f;
        }

        return signs;
    }
}
