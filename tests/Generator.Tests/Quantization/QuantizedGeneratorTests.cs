using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Quantization;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Quantization;

/// <summary>The quantizing generators over the real (tiny) EmbeddingGemma model, at full and Matryoshka widths.</summary>
public sealed class QuantizedGeneratorTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] s_samples =
        [.. Corpus.Texts, "calibration one", "another sample text", "the quick brown fox", "numbers 12345", "Mars is red", "a b c d"];

    [Theory]
    [InlineData(null)]
    [InlineData(16)]
    public async Task Int8_uint8_and_binary_generators_equal_quantizing_the_float_embeddings(int? width)
    {
        var options = width is null ? null : new EmbeddingGenerationOptions { Dimensions = width };
        IEmbeddingGenerator<string, Embedding<float>> floats = fixture.Generator;
        QuantizationRanges ranges = await QuantizationRanges.CalibrateAsync(floats, s_samples, options);
        Assert.Equal(width ?? fixture.Generator.EmbeddingDimensions, ranges.Dimensions);

        string[] texts = ["Mars is red", "hello world"];
        GeneratedEmbeddings<Embedding<float>> expected = await floats.GenerateAsync(texts, options);
        GeneratedEmbeddings<Embedding<sbyte>> int8 = await floats.AsInt8EmbeddingGenerator(ranges).GenerateAsync(texts, options);
        GeneratedEmbeddings<Embedding<byte>> uint8 = await floats.AsUInt8EmbeddingGenerator(ranges).GenerateAsync(texts, options);
        GeneratedEmbeddings<BinaryEmbedding> binary = await floats.AsBinaryEmbeddingGenerator().GenerateAsync(texts, options);

        for (int i = 0; i < texts.Length; i++)
        {
            float[] v = expected[i].Vector.ToArray();
            var e8 = new sbyte[v.Length];
            var eu8 = new byte[v.Length];
            EmbeddingQuantizer.QuantizeInt8(v, ranges, e8);
            EmbeddingQuantizer.QuantizeUInt8(v, ranges, eu8);
            Assert.Equal(e8, int8[i].Vector.ToArray());
            Assert.Equal(eu8, uint8[i].Vector.ToArray());
            Assert.Equal(v.Length, binary[i].Dimensions);
            Assert.Equal(v.Select(x => x > 0), binary[i].Vector.Cast<bool>());
            Assert.Equal(expected[i].ModelId, int8[i].ModelId);
        }

        // The quantized values use the whole bucket range, not a constant.
        Assert.True(int8.SelectMany(e => e.Vector.ToArray()).Distinct().Count() > 4);
    }

    [Fact]
    public async Task Ranges_of_another_width_are_refused_naming_both_widths()
    {
        IEmbeddingGenerator<string, Embedding<float>> floats = fixture.Generator;
        QuantizationRanges ranges = await QuantizationRanges.CalibrateAsync(floats, s_samples, new EmbeddingGenerationOptions { Dimensions = 16 });
        var e = await Assert.ThrowsAsync<ArgumentException>(() => floats.AsInt8EmbeddingGenerator(ranges).GenerateAsync(["x"]));
        Assert.Contains($"has {fixture.Generator.EmbeddingDimensions} dimensions", e.Message);
        Assert.Contains("calibrated at 16", e.Message);
    }

    [Fact]
    public void GetService_finds_the_wrapper_and_the_inner_generator()
    {
        // Not disposed: the fixture owns the inner generator.
        var binary = new BinaryEmbeddingGenerator(fixture.Generator);
        Assert.Same(binary, binary.GetService<BinaryEmbeddingGenerator>());
        Assert.Same(fixture.Generator, binary.GetService<EmbeddingGemmaGenerator>());
        Assert.NotNull(binary.GetService<EmbeddingGeneratorMetadata>());
        Assert.Throws<ArgumentNullException>("innerGenerator", () => new Int8EmbeddingGenerator(null!, new QuantizationRanges([0f], [1f])));
    }
}
