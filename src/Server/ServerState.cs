using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma.MicroBatching;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// What every endpoint shares: the options, the model, the generator pipeline requests go through (the app's
/// EmbeddingGemma pipeline, under a micro-batcher when it is on), the metrics, and readiness. Thread-safe.
/// </summary>
internal sealed class ServerState
{
    private int _ready;
    private int _stopping;

    public ServerState(IServiceProvider services, IOptions<EmbeddingGemmaServerOptions> options, ServerMetrics metrics)
    {
        Options = options.Value;
        Metrics = metrics;
        Model = services.GetRequiredService<EmbeddingGemmaModel>();
        var pipeline = new EmbeddingGeneratorBuilder<string, Embedding<float>>(new BatchMetricsEmbeddingGenerator(
            services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), metrics));
        if (Options.MicroBatching)
        {
            pipeline.UseMicroBatching(new MicroBatchingOptions
            {
                Window = TimeSpan.FromMilliseconds(Options.MicroBatchWindowMilliseconds),
                MaxBatchSize = Options.MaxBatchRequests,
                MaxConcurrentBatches = Options.MaxConcurrentBatches == 0 ? null : Options.MaxConcurrentBatches,
            });
        }

        Generator = pipeline.Build(services);
        ApiKeys = new ApiKeySet(Options.ApiKeys);
    }

    public EmbeddingGemmaServerOptions Options { get; }

    public ServerMetrics Metrics { get; }

    public EmbeddingGemmaModel Model { get; }

    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    public ApiKeySet ApiKeys { get; }

    /// <summary>Gets whether the model is loaded and warmed up, and the server is not stopping.</summary>
    public bool IsReady => Volatile.Read(ref _ready) == 1 && Volatile.Read(ref _stopping) == 0 && Model.Status == EmbeddingGemmaModelStatus.Loaded;

    /// <summary>The warm-up finished (or failed: readiness then waits for a request to load the model).</summary>
    public void MarkWarmedUp() => Volatile.Write(ref _ready, 1);

    /// <summary>Readiness drops as soon as shutdown begins, so a balancer stops sending while in-flight requests finish.</summary>
    public void MarkStopping() => Volatile.Write(ref _stopping, 1);
}
