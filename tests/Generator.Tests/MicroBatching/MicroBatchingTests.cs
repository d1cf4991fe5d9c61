using Microsoft.Extensions.AI;
using SkEmbeddingGemma.MicroBatching;

namespace SkEmbeddingGemma.Tests.MicroBatching;

public sealed class MicroBatchingTests
{
    [Fact]
    public async Task Concurrent_single_calls_coalesce_and_each_gets_its_own_result()
    {
        var inner = new RecordingGenerator();
        using var batching = new MicroBatchingEmbeddingGenerator(inner, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(50), MaxBatchSize = 64 });
        string[] texts = Enumerable.Range(0, 24).Select(i => new string((char)('a' + i), i + 1)).ToArray();

        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(texts.Select(t => batching.GenerateAsync([t])));

        Assert.True(inner.Calls < texts.Length, $"{inner.Calls} inner calls for {texts.Length} requests");
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal([texts[i].Length, texts[i][0], 0f], results[i][0].Vector.ToArray());
            Assert.Equal(texts[i].Length + 2, results[i].Usage!.InputTokenCount);
        }
    }

    [Fact]
    public async Task Different_prompts_are_never_mixed()
    {
        var inner = new RecordingGenerator();
        using var batching = new MicroBatchingEmbeddingGenerator(inner, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(50) });

        Task<GeneratedEmbeddings<Embedding<float>>>[] calls =
        [
            batching.GenerateAsync(["q1"], EmbeddingGemmaGenerationOptions.ForQuery()),
            batching.GenerateAsync(["d1"], EmbeddingGemmaGenerationOptions.ForDocuments()),
            batching.GenerateAsync(["q2"], EmbeddingGemmaGenerationOptions.ForQuery()),
        ];
        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(calls);

        Assert.Equal("query".Length, results[0][0].Vector.Span[2]);
        Assert.Equal("document".Length, results[1][0].Vector.Span[2]);
        Assert.All(inner.Batches, b => Assert.True(b.All(t => t[0] == 'q') || b.All(t => t[0] == 'd')));
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task A_full_batch_leaves_without_waiting_for_the_window()
    {
        var inner = new RecordingGenerator();
        using var batching = new MicroBatchingEmbeddingGenerator(inner, new MicroBatchingOptions { Window = TimeSpan.FromSeconds(1), MaxBatchSize = 4 });

        Task<GeneratedEmbeddings<Embedding<float>>>[] calls = Enumerable.Range(0, 4).Select(i => batching.GenerateAsync([$"t{i}"])).ToArray();
        Task all = Task.WhenAll(calls);

        Assert.Same(all, await Task.WhenAny(all, Task.Delay(700)));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task One_bad_caller_does_not_fail_its_neighbours()
    {
        var inner = new RecordingGenerator();
        using var batching = new MicroBatchingEmbeddingGenerator(inner, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(50) });

        Task<GeneratedEmbeddings<Embedding<float>>> good = batching.GenerateAsync(["good"]);
        Task<GeneratedEmbeddings<Embedding<float>>> bad = batching.GenerateAsync(["bad"]);

        Assert.Equal(4f, (await good)[0].Vector.Span[0]);
        await Assert.ThrowsAsync<ArgumentException>("values", () => bad);
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_and_the_others_complete()
    {
        var inner = new RecordingGenerator();
        using var batching = new MicroBatchingEmbeddingGenerator(inner, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(100) });
        using var cancellation = new CancellationTokenSource();

        Task<GeneratedEmbeddings<Embedding<float>>> cancelled = batching.GenerateAsync(["a"], cancellationToken: cancellation.Token);
        Task<GeneratedEmbeddings<Embedding<float>>> kept = batching.GenerateAsync(["bb"]);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2f, (await kept)[0].Vector.Span[0]);
    }

    [Fact]
    public async Task Null_inputs_and_unshareable_options_are_handled_up_front()
    {
        var inner = new RecordingGenerator();
        using var batching = new MicroBatchingEmbeddingGenerator(inner);

        await Assert.ThrowsAsync<ArgumentNullException>("values", () => batching.GenerateAsync(["x", null!]));
        GeneratedEmbeddings<Embedding<float>> direct = await batching.GenerateAsync(["x"], new EmbeddingGenerationOptions { ModelId = "other" });

        Assert.Single(direct);
        Assert.Equal(1, inner.Calls);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MicroBatchingOptions { MaxBatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MicroBatchingOptions { Window = TimeSpan.FromSeconds(-1) });
    }
}
