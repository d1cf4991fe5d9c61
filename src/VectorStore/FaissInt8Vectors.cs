using System.Buffers.Binary;
using System.Numerics.Tensors;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The int8 rescoring vectors (<see cref="FaissRescoringVectors.Int8"/>): a little-endian float32 scale, then one
/// signed byte per dimension, code = round(x / scale) with scale = max |x| / 127, so x ≈ code × scale. One scale per
/// vector needs no calibration set and keeps every vector's largest component exact to 1/254 of its range.
/// </summary>
internal static class FaissInt8Vectors
{
    /// <summary>Gets the blob length for a vector of <paramref name="dimensions"/>.</summary>
    internal static int BlobLength(int dimensions) => sizeof(float) + dimensions;

    /// <summary>Quantizes a float vector into its blob.</summary>
    internal static byte[] ToBlob(ReadOnlySpan<float> vector)
    {
        var blob = new byte[BlobLength(vector.Length)];
        // MaxMagnitude returns the element itself, sign included.
        float max = vector.Length == 0 ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        float scale = max > 0 && float.IsFinite(max) ? max / 127f : 0f;
        BinaryPrimitives.WriteSingleLittleEndian(blob, scale);
        for (int i = 0; i < vector.Length; i++)
        {
            blob[sizeof(float) + i] = scale == 0 ? (byte)0 : unchecked((byte)(sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127f, 127f));
        }

        return blob;
    }

    /// <summary>Dequantizes a blob into <paramref name="destination"/> (code × scale).</summary>
    internal static void Dequantize(ReadOnlySpan<byte> blob, Span<float> destination)
    {
        float scale = BinaryPrimitives.ReadSingleLittleEndian(blob);
        ReadOnlySpan<sbyte> codes = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(blob[sizeof(float)..]);
        for (int i = 0; i < codes.Length; i++)
        {
            destination[i] = codes[i];
        }

        TensorPrimitives.Multiply(destination[..codes.Length], scale, destination[..codes.Length]);
    }
}
