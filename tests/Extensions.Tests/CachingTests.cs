using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>The role (prompt name) and the dimensions are part of Microsoft.Extensions.AI's distributed cache key.</summary>
public sealed class CachingTests
{
    [Fact]
    public void Cache_key_includes_the_role_and_the_dimensions()
    {
        using var probe = new CacheKeyProbe();
        string query = probe.Key("same text", EmbeddingGemmaGenerationOptions.ForQuery());
        string document = probe.Key("same text", EmbeddingGemmaGenerationOptions.ForDocuments());
        string titled = probe.Key("same text", EmbeddingGemmaGenerationOptions.ForDocuments(["a title"]));
        string query32 = probe.Key("same text", EmbeddingGemmaGenerationOptions.ForQuery(32));
        string raw = probe.Key("same text", EmbeddingGemmaGenerationOptions.ForRawPrompt("task: clustering | query: "));
        string none = probe.Key("same text", null);

        Assert.Equal(6, new[] { query, document, titled, query32, raw, none }.Distinct().Count());
        Assert.Equal(query, probe.Key("same text", EmbeddingGemmaGenerationOptions.ForQuery()));
    }

    [Fact]
    public async Task Distributed_cache_serves_repeats_and_keeps_query_document_and_widths_apart()
    {
        (ServiceProvider provider, RecordingBox recorder) = CachedPipeline();
        await using ServiceProvider _ = provider;
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Embedding<float> query = await generator.GenerateQueryEmbeddingAsync("same text");
        Embedding<float> queryAgain = await generator.GenerateQueryEmbeddingAsync("same text");
        Embedding<float> document = await generator.GenerateDocumentEmbeddingAsync("same text");
        Embedding<float> query32 = await generator.GenerateQueryEmbeddingAsync("same text", dimensions: 32);
        Embedding<float> query32Again = await generator.GenerateQueryEmbeddingAsync("same text", dimensions: 32);

        Assert.NotNull(recorder.Value);
        Assert.Equal(3, recorder.Value.Calls.Count);
        Assert.Equal(query.Vector.ToArray(), queryAgain.Vector.ToArray());
        Assert.NotEqual(query.Vector.ToArray(), document.Vector.ToArray());
        Assert.Equal(32, query32.Vector.Length);
        Assert.Equal(query32.Vector.ToArray(), query32Again.Vector.ToArray());
    }

    [Fact]
    public async Task Role_generators_outside_the_cache_make_option_less_calls_cache_per_role()
    {
        (ServiceProvider provider, RecordingBox recorder) = CachedPipeline();
        await using ServiceProvider _ = provider;
        var pipeline = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Embedding<float> query = await pipeline.AsQueryGenerator().GenerateAsync("shared");
        Embedding<float> document = await pipeline.AsDocumentGenerator().GenerateAsync("shared");
        Embedding<float> queryAgain = await pipeline.AsQueryGenerator().GenerateAsync("shared");

        Assert.Equal(["query", "document"], recorder.Value!.Calls.Select(c => c.PromptName));
        Assert.NotEqual(query.Vector.ToArray(), document.Vector.ToArray());
        Assert.Equal(query.Vector.ToArray(), queryAgain.Vector.ToArray());
    }

    [Fact]
    public async Task An_EmbeddingGemma_and_an_EmbeddingGemma_2_pipeline_sharing_one_cache_never_get_each_others_vectors()
    {
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        await using ServiceProvider v1 = CachedPipeline(TinyModel.Directory, cache);
        await using ServiceProvider v2 = CachedPipeline(TinyModel.EmbeddingGemma2Directory, cache);
        using var direct2 = new EmbeddingGemmaGenerator(TinyModel.EmbeddingGemma2Directory);
        using var direct1 = new EmbeddingGemmaGenerator(TinyModel.Directory);

        Embedding<float> first = await v1.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateQueryEmbeddingAsync("same text");
        Embedding<float> second = await v2.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateQueryEmbeddingAsync("same text");
        Embedding<float> firstAgain = await v1.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateQueryEmbeddingAsync("same text");

        Assert.Equal((await direct1.GenerateQueryEmbeddingAsync("same text")).Vector.ToArray(), first.Vector.ToArray());
        Assert.Equal((await direct2.GenerateQueryEmbeddingAsync("same text")).Vector.ToArray(), second.Vector.ToArray());
        Assert.Equal(first.Vector.ToArray(), firstAgain.Vector.ToArray());
        Assert.Equal((64, 768), (first.Vector.Length, second.Vector.Length));
    }

    private static ServiceProvider CachedPipeline(string model, IDistributedCache cache)
    {
        var services = new ServiceCollection();
        services.AddSingleton(cache);
        services.AddEmbeddingGemma(o => o.ModelPath = model).UseDistributedCache();
        return services.BuildServiceProvider();
    }

    // AddEmbeddingGemma + UseDistributedCache with a recorder inside the cache: it sees only the calls the cache missed.
    private static (ServiceProvider Provider, RecordingBox Recorder) CachedPipeline()
    {
        var recorder = new RecordingBox();
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory)
            .UseDistributedCache()
            .Use(inner => recorder.Value = new RecordingEmbeddingGenerator(inner));
        return (services.BuildServiceProvider(), recorder);
    }

    // The recorder is created when the pipeline is first resolved, after CachedPipeline returns.
    private sealed class RecordingBox
    {
        public RecordingEmbeddingGenerator? Value { get; set; }
    }

    private sealed class CacheKeyProbe() : DistributedCachingEmbeddingGenerator<string, Embedding<float>>(
        new NoopGenerator(), new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
    {
        public string Key(string value, EmbeddingGenerationOptions? options) => GetCacheKey(value, options);
    }

    private sealed class NoopGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
