using System.Text.Json;
using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.Tests.Quantization;

/// <summary>
/// Compares <see cref="EmbeddingQuantizer"/> with sentence-transformers' <c>quantize_embeddings</c> rules run by numpy
/// (quantization-reference.json, written by make_reference.py beside this file) on fixed vectors.
/// </summary>
public sealed class QuantizationReferenceTests
{
    private static readonly Reference s_reference = Reference.Load();

    [Fact]
    public void Calibration_ranges_are_per_dimension_min_and_max()
    {
        QuantizationRanges ranges = QuantizationRanges.FromCalibration(s_reference.Calibration.Select(v => new ReadOnlyMemory<float>(v)));
        for (int d = 0; d < ranges.Dimensions; d++)
        {
            Assert.Equal(s_reference.Calibration.Min(v => v[d]), ranges.Minimums.Span[d]);
            Assert.Equal(s_reference.Calibration.Max(v => v[d]), ranges.Maximums.Span[d]);
        }
    }

    [Fact]
    public void Int8_and_uint8_equal_numpy_on_every_value()
    {
        QuantizationRanges ranges = QuantizationRanges.FromCalibration(s_reference.Calibration.Select(v => new ReadOnlyMemory<float>(v)));
        for (int q = 0; q < s_reference.Queries.Length; q++)
        {
            var int8 = new sbyte[ranges.Dimensions];
            var uint8 = new byte[ranges.Dimensions];
            EmbeddingQuantizer.QuantizeInt8(s_reference.Queries[q], ranges, int8);
            EmbeddingQuantizer.QuantizeUInt8(s_reference.Queries[q], ranges, uint8);
            Assert.Equal(s_reference.Int8[q], int8.Select(v => (int)v).ToArray());
            Assert.Equal(s_reference.UInt8[q], uint8.Select(v => (int)v).ToArray());
        }

        // The fixture covers the subtle cases: int8 truncates after subtracting 128 (bucket 127.5 gives 0, not -1).
        Assert.Contains(s_reference.Int8[3], v => v == 0);
        Assert.Contains(s_reference.UInt8[3], v => v == 127);
    }

    [Fact]
    public void Binary_and_ubinary_equal_numpy_packbits()
    {
        for (int q = 0; q < s_reference.Queries.Length; q++)
        {
            int length = EmbeddingQuantizer.PackedLength(s_reference.Queries[q].Length);
            var binary = new sbyte[length];
            var ubinary = new byte[length];
            EmbeddingQuantizer.PackSignedBinary(s_reference.Queries[q], binary);
            EmbeddingQuantizer.PackUnsignedBinary(s_reference.Queries[q], ubinary);
            Assert.Equal(s_reference.Binary[q], binary.Select(v => (int)v).ToArray());
            Assert.Equal(s_reference.UBinary[q], ubinary.Select(v => (int)v).ToArray());

            // The BitArray form (BinaryEmbedding's) packs back to the same bytes and unpacks to the same bits.
            var bits = EmbeddingQuantizer.ToBitArray(s_reference.Queries[q]);
            var repacked = new byte[length];
            EmbeddingQuantizer.PackBits(bits, repacked);
            Assert.Equal(ubinary, repacked);
            Assert.Equal(bits.Cast<bool>(), EmbeddingQuantizer.UnpackBits(ubinary, bits.Length).Cast<bool>());
        }
    }

    private sealed record Reference(float[][] Calibration, float[][] Queries, int[][] Int8, int[][] UInt8, int[][] Binary, int[][] UBinary)
    {
        public static Reference Load()
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Quantization", "quantization-reference.json")));
            JsonElement root = doc.RootElement;
            float[][] Floats(string name) => root.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
            int[][] Ints(string name) => root.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
            return new Reference(Floats("calibration"), Floats("queries"), Ints("int8"), Ints("uint8"), Ints("binary"), Ints("ubinary"));
        }
    }
}
