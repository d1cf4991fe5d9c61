namespace SkEmbeddingGemma.ModelFactory;

public sealed class GemmaEncoderConfigTests
{
    [Fact]
    public void Full_size_matches_embeddinggemma_300m()
    {
        GemmaEncoderConfig c = GemmaEncoderConfig.EmbeddingGemma300M;
        Assert.Equal((262144, 768, 1152, 24, 3, 1, 256), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim));
        Assert.Equal(256f, c.QueryPreAttnScalar);
        Assert.Equal((3072, 768), (c.DenseIntermediateSize, c.EmbeddingDimensions));
        Assert.Equal([5, 11, 17, 23], Enumerable.Range(0, 24).Where(i => !c.IsSlidingLayer(i)));
        Assert.Equal(256, c.SlidingHalfWindow);
        Assert.Equal((1_000_000f, 10_000f), (c.RopeTheta, c.RopeLocalBaseFreq));
    }

    [Fact]
    public void Tiny_has_both_layer_types_and_the_real_vocabulary()
    {
        GemmaEncoderConfig c = GemmaEncoderConfig.Tiny;
        Assert.Equal(262144, c.VocabSize);
        Assert.Equal(5, c.LayerTypes.Count(t => t == "sliding_attention"));
        Assert.Equal("full_attention", c.LayerTypes[5]);
        Assert.Equal(256, c.SlidingHalfWindow);
    }

    [Fact]
    public void Invalid_shapes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => (GemmaEncoderConfig.Tiny with { NumKeyValueHeads = 3 }).Validate());
        Assert.Throws<ArgumentException>(() => (GemmaEncoderConfig.Tiny with { HeadDim = 31 }).Validate());
        Assert.Throws<ArgumentException>(() => (GemmaEncoderConfig.Tiny with { HiddenSize = 0 }).Validate());
    }
}
