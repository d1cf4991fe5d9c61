using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.Tests.Quantization;

public sealed class QuantizationEdgeCaseTests
{
    private static readonly QuantizationRanges s_ranges = new([-1f, 0f, 10f], [1f, 2.55f, 20f]);

    [Fact]
    public void A_constant_dimension_is_refused_with_its_index()
    {
        // sentence-transformers divides by a zero step there (NaN/inf cast to int: undefined); we refuse up front.
        var e = Assert.Throws<ArgumentException>(() => QuantizationRanges.FromCalibration(
            [new float[] { 0.1f, 0.5f, -0.2f }, new float[] { 0.3f, 0.5f, 0.4f }]));
        Assert.Contains("dimension 1", e.Message);
        Assert.Contains("constant", e.Message);

        // One sample makes every dimension constant.
        Assert.Throws<ArgumentException>(() => QuantizationRanges.FromCalibration([new float[] { 0.1f, 0.2f }]));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_are_refused_in_calibration_and_quantization(float bad)
    {
        var e = Assert.Throws<ArgumentException>(() => QuantizationRanges.FromCalibration(
            [new float[] { 0.1f, 0.5f, -0.2f }, new float[] { 0.3f, bad, 0.4f }]));
        Assert.Contains("sample 1", e.Message);
        Assert.Contains("dimension 1", e.Message);

        float[] embedding = [0.5f, bad, 12f];
        Assert.Contains("dimension 1", Assert.Throws<ArgumentException>(() => EmbeddingQuantizer.QuantizeInt8(embedding, s_ranges, new sbyte[3])).Message);
        Assert.Contains("dimension 1", Assert.Throws<ArgumentException>(() => EmbeddingQuantizer.QuantizeUInt8(embedding, s_ranges, new byte[3])).Message);
        Assert.Contains("dimension 1", Assert.Throws<ArgumentException>(() => EmbeddingQuantizer.PackUnsignedBinary(embedding, new byte[1])).Message);
        Assert.Contains("dimension 1", Assert.Throws<ArgumentException>(() => EmbeddingQuantizer.ToBitArray(embedding)).Message);
    }

    [Fact]
    public void Values_outside_the_range_clamp_to_the_end_buckets()
    {
        var uint8 = new byte[3];
        var int8 = new sbyte[3];
        EmbeddingQuantizer.QuantizeUInt8([-5f, 300f, 15f], s_ranges, uint8);
        EmbeddingQuantizer.QuantizeInt8([-5f, 300f, 15f], s_ranges, int8);
        Assert.Equal(new byte[] { 0, 255, 127 }, uint8);
        Assert.Equal(new sbyte[] { -128, 127, 0 }, int8);
    }

    [Fact]
    public void Widths_must_match_the_ranges()
    {
        var e = Assert.Throws<ArgumentException>(() => EmbeddingQuantizer.QuantizeInt8([0f, 1f], s_ranges, new sbyte[2]));
        Assert.Contains("calibrated at 3", e.Message);
        Assert.Throws<ArgumentException>(() => QuantizationRanges.FromCalibration([new float[] { 0f, 1f }, new float[] { 1f }]));
    }

    [Fact]
    public void Widths_that_are_not_a_multiple_of_8_pad_with_zero_bits()
    {
        var packed = new byte[2];
        EmbeddingQuantizer.PackUnsignedBinary([1f, -1f, 0f, 2f, 3f, -2f, -3f, 4f, 5f, 0.5f], packed);
        Assert.Equal(new byte[] { 0b1001_1001, 0b1100_0000 }, packed);
    }
}
