using SkEmbeddingGemma.TestSupport;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.MicroBatching;

namespace SkEmbeddingGemma.Tests.Integration;

public sealed class MicroBatchingIntegrationTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Coalesced_queries_equal_direct_ones()
    {
        using var batching = new MicroBatchingEmbeddingGenerator(fixture.Generator, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(20) });
        string[] texts = Corpus.Texts;

        Embedding<float>[] coalesced = await Task.WhenAll(texts.Select(t => batching.GenerateQueryEmbeddingAsync(t)));
        GeneratedEmbeddings<Embedding<float>> direct = await fixture.Generator.GenerateQueryEmbeddingsAsync(texts);

        for (int i = 0; i < texts.Length; i++)
        {
            float maxDiff = coalesced[i].Vector.ToArray().Zip(direct[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(maxDiff <= 1e-5f, $"text {i}: {maxDiff}");
        }
    }
}
