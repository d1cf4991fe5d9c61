using Microsoft.Extensions.AI;
using SkEmbeddingGemma.MicroBatching;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary><c>UseMicroBatching</c>: the batcher as a step of an <see cref="EmbeddingGeneratorBuilder{TInput, TEmbedding}"/> pipeline.</summary>
public sealed class MicroBatchingBuilderTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task UseMicroBatching_puts_the_batcher_in_the_pipeline_and_its_results_equal_direct_ones()
    {
        // The pipeline disposes what it wraps, so it wraps its own generator and the fixture's stays usable.
        using var inner = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        using IEmbeddingGenerator<string, Embedding<float>> pipeline = new EmbeddingGeneratorBuilder<string, Embedding<float>>(inner)
            .UseMicroBatching(new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(20) })
            .Build();
        string[] texts = Corpus.Texts;

        Assert.IsType<MicroBatchingEmbeddingGenerator>(pipeline);
        Assert.Same(inner, pipeline.GetService<EmbeddingGemmaGenerator>());
        Embedding<float>[] coalesced = await Task.WhenAll(texts.Select(t => pipeline.GenerateQueryEmbeddingAsync(t)));
        GeneratedEmbeddings<Embedding<float>> direct = await fixture.Generator.GenerateQueryEmbeddingsAsync(texts);

        for (int i = 0; i < texts.Length; i++)
        {
            float maxDiff = coalesced[i].Vector.ToArray().Zip(direct[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(maxDiff <= 1e-5f, $"text {i}: {maxDiff}");
        }
    }

    [Fact]
    public void UseMicroBatching_rejects_a_null_builder()
        => Assert.Throws<ArgumentNullException>("builder", () => MicroBatchingBuilderExtensions.UseMicroBatching(null!));
}
