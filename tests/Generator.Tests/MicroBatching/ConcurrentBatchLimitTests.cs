using Microsoft.Extensions.AI;
using SkEmbeddingGemma.MicroBatching;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.MicroBatching;

/// <summary>
/// <see cref="MicroBatchingOptions.MaxConcurrentBatches"/> over the real tiny model: calls that arrive while a batch
/// runs wait and then go as one batch, instead of starting batches of their own beside it.
/// </summary>
public sealed class ConcurrentBatchLimitTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Calls_arriving_while_a_batch_runs_wait_for_it_and_then_run_together()
    {
        using var model = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        using var held = new HeldGenerator(model);
        using var batching = new MicroBatchingEmbeddingGenerator(held, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(5), MaxConcurrentBatches = 1 });

        Task<GeneratedEmbeddings<Embedding<float>>> first = batching.GenerateAsync(["first"]);
        await held.FirstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Twelve calls, each well past the window, while the first batch is held.
        var later = new List<Task<GeneratedEmbeddings<Embedding<float>>>>();
        for (int i = 0; i < 12; i++)
        {
            later.Add(batching.GenerateAsync([$"later {i}"]));
            await Task.Delay(15);
        }

        Assert.Single(held.Batches);
        held.Release.SetResult();
        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(later.Prepend(first));

        Assert.Equal([1, 12], held.Batches);
        Assert.Equal(1, held.MostAtOnce);
        GeneratedEmbeddings<Embedding<float>> direct = await model.GenerateAsync(Enumerable.Range(0, 12).Select(i => $"later {i}"));
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(direct[i].Vector.ToArray(), results[i + 1][0].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Without_a_limit_each_window_starts_its_own_batch_beside_the_running_one()
    {
        using var model = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        using var held = new HeldGenerator(model);
        using var batching = new MicroBatchingEmbeddingGenerator(held, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(5) });

        Task<GeneratedEmbeddings<Embedding<float>>> first = batching.GenerateAsync(["first"]);
        await held.FirstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Task<GeneratedEmbeddings<Embedding<float>>> second = batching.GenerateAsync(["second"]);
        await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, held.MostAtOnce);
        held.Release.SetResult();
        _ = await first;
        Assert.Throws<ArgumentOutOfRangeException>(() => new MicroBatchingOptions { MaxConcurrentBatches = 0 });
    }

    [Fact]
    public async Task Closed_loop_callers_of_two_prompts_under_a_limit_all_get_answers_and_take_turns()
    {
        using var model = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        using var held = new HeldGenerator(model);
        held.Release.SetResult();
        using var batching = new MicroBatchingEmbeddingGenerator(held, new MicroBatchingOptions { Window = TimeSpan.FromMilliseconds(2), MaxBatchSize = 8, MaxConcurrentBatches = 1 });
        var until = DateTime.UtcNow.AddSeconds(4);
        int answered = 0;

        async Task Caller(int id)
        {
            EmbeddingGenerationOptions options = id % 4 == 0 ? EmbeddingGemmaGenerationOptions.ForDocuments() : EmbeddingGemmaGenerationOptions.ForQuery();
            while (DateTime.UtcNow < until)
            {
                GeneratedEmbeddings<Embedding<float>> result = await batching.GenerateAsync([$"caller {id} text"], options).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Single(result);
                Interlocked.Increment(ref answered);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Caller(i))));
        Assert.True(answered >= 16, $"{answered} answers");
        Assert.Equal(1, held.MostAtOnce);
        Assert.Contains(held.Batches, size => size > 1);
    }

    /// <summary>Holds the first batch until released; records every batch's size and the most batches running at once.</summary>
    private sealed class HeldGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private int _running;
        private int _most;

        public TaskCompletionSource FirstBatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Batches { get; } = [];

        public int MostAtOnce => Volatile.Read(ref _most);

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            string[] inputs = values.ToArray();
            bool isFirst;
            lock (Batches)
            {
                isFirst = Batches.Count == 0;
                Batches.Add(inputs.Length);
            }

            int now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, seen) != seen)
            {
            }

            try
            {
                if (isFirst)
                {
                    FirstBatchStarted.SetResult();
                    await Release.Task.ConfigureAwait(false);
                }

                return await base.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
