using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>
/// <c>AddEmbeddingGemma()</c> with no model folder, against the fake Hub serving the tiny model as the default repository.
/// The Hub settings come from configuration or the options, never from the process environment, so these run in parallel.
/// </summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddEmbeddingGemma_alone_downloads_the_default_model_once_and_embeds_like_the_folder()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();
        using IHost host = BuildHost(hub, cache.Path);
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, host.Services.GetRequiredService<EmbeddingGemmaModel>().Status);
        Assert.Empty(hub.Requests);

        // Concurrent first calls share one download and one load.
        string[] texts = ["Which planet is known as the Red Planet?", "Mars is red.", "Venus is hot.", "Saturn has rings."];
        Embedding<float>[] viaHub = await Task.WhenAll(texts.Select(t => generator.GenerateQueryEmbeddingAsync(t)));

        using var direct = new EmbeddingGemmaGenerator(HubFixture.TinyModelFolder);
        for (int i = 0; i < texts.Length; i++)
        {
            Embedding<float> expected = await direct.GenerateQueryEmbeddingAsync(texts[i]);
            Assert.Equal(expected.Vector.ToArray(), viaHub[i].Vector.ToArray());
            Assert.Equal(HuggingFaceHub.DefaultRepository, viaHub[i].ModelId);
        }

        Assert.Single(hub.Requests, r => r.Path.StartsWith("/api/models/", StringComparison.Ordinal));
        Assert.Single(hub.FileGets(HubFixture.DataFile));
        EmbeddingGemmaModel model = host.Services.GetRequiredService<EmbeddingGemmaModel>();
        Assert.Equal(EmbeddingGemmaModelStatus.Loaded, model.Status);
        Assert.Equal(Path.Combine(cache.Path, "models--onnx-community--embeddinggemma-300m-ONNX", "snapshots", FakeHub.Commit), model.ModelDirectory);

        // The metadata names the model by content: the cache snapshot (symlinks to blobs) is the folder it was served from.
        Assert.Equal(direct.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        HealthReport health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);

        // A second container on the same cache loads it without a single request, though 'main' is a branch.
        hub.Requests.Clear();
        using IHost again = BuildHost(hub, cache.Path);
        Embedding<float> reused = await again.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateQueryEmbeddingAsync(texts[0]);
        Assert.Equal(viaHub[0].Vector.ToArray(), reused.Vector.ToArray());
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task An_interrupted_download_fails_the_call_and_the_health_check_with_the_hub_error_then_resumes()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();
        hub.DropAfter[HubFixture.DataFile] = 10_000_000;
        using IHost host = BuildHost(hub, cache.Path);
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => generator.GenerateAsync("dropped"));

        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.Contains("run again to resume", error.Message, StringComparison.Ordinal);
        HealthReportEntry failed = (await health.CheckHealthAsync()).Entries["embeddinggemma"];
        Assert.Equal(HealthStatus.Unhealthy, failed.Status);
        Assert.Same(error, failed.Exception);
        Assert.Contains(error.Message, failed.Description, StringComparison.Ordinal);
        string partial = Path.Combine(cache.Path, "models--onnx-community--embeddinggemma-300m-ONNX", "blobs", FakeHub.Sha256(hub.Files[HubFixture.DataFile]) + ".incomplete");
        long kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 1, 10_000_000);

        // The same registration retries on the next call and fetches only the rest.
        hub.Requests.Clear();
        Embedding<float> embedding = await generator.GenerateAsync("resumed");

        Assert.Equal($"bytes={kept}-", Assert.Single(hub.FileGets(HubFixture.DataFile)).Range);
        Assert.False(File.Exists(partial));
        using var direct = new EmbeddingGemmaGenerator(HubFixture.TinyModelFolder);
        Assert.Equal((await direct.GenerateAsync("resumed")).Vector.ToArray(), embedding.Vector.ToArray());
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["embeddinggemma"].Status);
    }

    [Fact]
    public async Task Offline_with_an_empty_cache_fails_an_eager_start_with_how_to_get_the_model()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();
        await using ServiceProvider provider = BuildProvider(hub, o =>
        {
            o.HubCacheDirectory = cache.Path;
            o.HubOffline = true;
            o.EagerLoad = true;
        });

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(
            () => provider.GetRequiredService<IHostedService>().StartAsync(CancellationToken.None));

        Assert.Equal(HubErrorKind.Offline, error.Kind);
        Assert.Contains("embeddinggemma download --repo onnx-community/embeddinggemma-300m-ONNX", error.Message, StringComparison.Ordinal);
        Assert.Contains("local model folder", error.Message, StringComparison.Ordinal);
        Assert.Same(error, provider.GetRequiredService<EmbeddingGemmaModel>().Failure);
        Assert.Empty(hub.Requests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache.Path));
    }

    [Fact]
    public async Task A_model_path_wins_and_the_hub_is_never_asked()
    {
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();
        await using ServiceProvider provider = BuildProvider(hub, o =>
        {
            o.ModelPath = HubFixture.TinyModelFolder;
            o.HubOffline = false;
        });

        Embedding<float> embedding = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync("local");

        Assert.Equal(Path.GetFileName(HubFixture.TinyModelFolder), embedding.ModelId);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task A_hub_without_hashes_fails_the_dependency_injected_generator_unless_configuration_allows_unverified_files()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();
        hub.OpaqueEtags = true;
        hub.ListingMetadata = false;

        using (IHost strict = BuildHost(hub, cache.Path))
        {
            var generator = strict.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => generator.GenerateQueryEmbeddingAsync("Mars"));
            Assert.Equal(HubErrorKind.Unverifiable, error.Kind);
            Assert.Empty(hub.FileGets(HubFixture.DataFile));
        }

        using IHost lenient = BuildHost(hub, cache.Path, ("EmbeddingGemma:HubAllowUnverifiedFiles", "true"));
        Embedding<float> embedding = await lenient.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateQueryEmbeddingAsync("Mars");
        using var direct = new EmbeddingGemmaGenerator(HubFixture.TinyModelFolder);
        Assert.Equal((await direct.GenerateQueryEmbeddingAsync("Mars")).Vector.ToArray(), embedding.Vector.ToArray());
    }

    /// <summary>A container whose EmbeddingGemma asks <paramref name="hub"/>, configured in code.</summary>
    private static ServiceProvider BuildProvider(FakeHub hub, Action<EmbeddingGemmaServiceOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o =>
        {
            o.HubEndpoint = hub.Endpoint;
            configure(o);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>A host whose only EmbeddingGemma call is <c>AddEmbeddingGemma()</c>; the Hub settings come from its configuration.</summary>
    private static IHost BuildHost(FakeHub hub, string cache, params (string Key, string Value)[] settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var configuration = new Dictionary<string, string?>
        {
            ["EmbeddingGemma:HubEndpoint"] = hub.Endpoint,
            ["EmbeddingGemma:HubCacheDirectory"] = cache,
            ["EmbeddingGemma:HubOffline"] = "false",
        };
        foreach ((string key, string value) in settings)
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddEmbeddingGemma();
        builder.Services.AddHealthChecks().AddEmbeddingGemma();
        return builder.Build();
    }
}
