using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.Extensions.Tests;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task AddEmbeddingGemma_registers_a_lazy_generator_equal_to_the_direct_one()
    {
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var model = provider.GetRequiredService<EmbeddingGemmaModel>();
        Assert.NotNull(provider.GetRequiredService<IEmbeddingGenerator>());
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, model.Status);

        // Other services are answered before the load without loading (metadata loads: ModelIdentityForwardingTests).
        Assert.Same(model, generator.GetService<EmbeddingGemmaModel>());
        Assert.Null(generator.GetService<EmbeddingGemmaGenerator>());
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, model.Status);

        Embedding<float> viaDi = await generator.GenerateQueryEmbeddingAsync("a lazy model");
        using var direct = new EmbeddingGemmaGenerator(TinyModel.Directory);
        Embedding<float> expected = await direct.GenerateQueryEmbeddingAsync("a lazy model");
        Assert.Equal(expected.Vector.ToArray(), viaDi.Vector.ToArray());

        Assert.Equal(EmbeddingGemmaModelStatus.Loaded, model.Status);
        var after = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(TinyModel.Dimensions, after!.DefaultModelDimensions);
        Assert.Same(model.Generator, generator.GetService<EmbeddingGemmaGenerator>());
        Assert.Same(model, generator.GetService<EmbeddingGemmaModel>());
    }

    [Fact]
    public async Task Concurrent_first_calls_load_the_model_once()
    {
        int located = 0;
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(o => o.ModelLocator = async (sp, ct) =>
        {
            Interlocked.Increment(ref located);
            await Task.Delay(50, ct);
            return TinyModel.Directory;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Embedding<float>[] results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => generator.GenerateAsync($"text {i % 3}")));

        Assert.Equal(1, located);
        Assert.Equal(1, provider.GetRequiredService<EmbeddingGemmaModel>().LoadCount);
        Assert.Equal(results[0].Vector.ToArray(), results[3].Vector.ToArray());
        Assert.Equal(TinyModel.Directory, provider.GetRequiredService<EmbeddingGemmaModel>().ModelDirectory);
    }

    [Fact]
    public async Task Configuration_section_binds_every_setting()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EmbeddingGemma:ModelPath"] = TinyModel.Directory,
            ["EmbeddingGemma:Variant"] = "model",
            ["EmbeddingGemma:ModelId"] = "tiny",
            ["EmbeddingGemma:DefaultPromptName"] = "query",
            ["EmbeddingGemma:Dimensions"] = "32",
            ["EmbeddingGemma:IntraOpNumThreads"] = "1",
            ["EmbeddingGemma:MaxBatchSize"] = "2",
            ["EmbeddingGemma:MaxBatchTokens"] = "512",
            ["EmbeddingGemma:MaxTokens"] = "128",
            ["EmbeddingGemma:HubRepository"] = "my-org/embeddinggemma-finetune",
            ["EmbeddingGemma:HubRevision"] = "v2",
            ["EmbeddingGemma:HubEndpoint"] = "http://127.0.0.1:1",
            ["EmbeddingGemma:HubCacheDirectory"] = "/data/hf/hub",
            ["EmbeddingGemma:HubOffline"] = "true",
            ["EmbeddingGemma:HubCheckForUpdates"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(configuration.GetSection("EmbeddingGemma"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["one", "two", "three"]);

        using var direct = new EmbeddingGemmaGenerator(TinyModel.Directory);
        GeneratedEmbeddings<Embedding<float>> expected = await direct.GenerateQueryEmbeddingsAsync(["one", "two", "three"], dimensions: 32);
        Assert.All(result, e => Assert.Equal(32, e.Vector.Length));
        Assert.All(result, e => Assert.Equal("tiny", e.ModelId));
        for (int i = 0; i < 3; i++)
        {
            // Batches of 2 instead of 3 pad differently: equal up to float rounding.
            float[] actual = result[i].Vector.ToArray();
            Assert.All(expected[i].Vector.ToArray().Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5f));
        }

        EmbeddingGemmaServiceOptions options = provider.GetRequiredService<EmbeddingGemmaModel>().Options;
        Assert.Equal((1, 2, 512, 128), (options.IntraOpNumThreads, options.MaxBatchSize, options.MaxBatchTokens, options.MaxTokens));

        // The Hub settings bind too; the ModelPath wins over them, so nothing was asked of that (unreachable) endpoint.
        Assert.Equal(
            ("my-org/embeddinggemma-finetune", "v2", "http://127.0.0.1:1", "/data/hf/hub", (bool?)true, true),
            (options.HubRepository, options.HubRevision, options.HubEndpoint, options.HubCacheDirectory, options.HubOffline, options.HubCheckForUpdates));
    }

    [Fact]
    public async Task Bad_settings_fail_the_host_start_with_messages_naming_them()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EmbeddingGemma:ModelPath"] = "/no/such/model",
            ["EmbeddingGemma:Dimensions"] = "0",
            ["EmbeddingGemma:MaxBatchSize"] = "-1",
            ["EmbeddingGemma:MaxTokens"] = "1",
            ["EmbeddingGemma:HubRepository"] = "not a repo",
            ["EmbeddingGemma:HubRevision"] = "../main",
            ["EmbeddingGemma:HubEndpoint"] = "ftp://mirror",
            ["EmbeddingGemma:HubCacheDirectory"] = " ",
            ["EmbeddingGemma:DeviceId"] = "-2",
        });
        builder.Services.AddEmbeddingGemma(builder.Configuration.GetSection("EmbeddingGemma"));
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("EmbeddingGemma:ModelPath '/no/such/model' is not an existing folder (leave it out to download the model from the Hugging Face Hub).", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("EmbeddingGemma:HubRepository 'not a repo' is not a Hugging Face repository id: use 'org/name'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("EmbeddingGemma:HubRevision '../main' is not a revision", StringComparison.Ordinal));
        Assert.Contains("EmbeddingGemma:HubEndpoint 'ftp://mirror' is not an http(s) address such as https://huggingface.co.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("EmbeddingGemma:HubCacheDirectory must not be blank", StringComparison.Ordinal));
        Assert.Contains("EmbeddingGemma:Dimensions must be at least 1 (was 0).", error.Failures);
        Assert.Contains("EmbeddingGemma:MaxBatchSize must be at least 1 (was -1).", error.Failures);
        Assert.Contains("EmbeddingGemma:MaxTokens must be at least 2 (was 1).", error.Failures);
        Assert.Contains("EmbeddingGemma:DeviceId must be at least 0 (was -2).", error.Failures);
    }

    [Fact]
    public async Task DefaultPromptName_is_checked_at_start_against_the_prompts_the_model_folder_offers()
    {
        // The start reads only the graph's presence and config_sentence_transformers.json, so a stub graph is enough.
        using var folder = new SkEmbeddingGemma.TestSupport.TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "onnx"));
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "onnx", "model.onnx"), []);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "config_sentence_transformers.json"), """{"prompts": {"legal": "task: legal | query: "}}""");

        using IHost offered = BuildHost(folder.Path, "legal");
        await offered.StartAsync();
        await offered.StopAsync();

        using IHost unknown = BuildHost(folder.Path, "medical");
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => unknown.StartAsync());
        string failure = Assert.Single(error.Failures);
        Assert.StartsWith($"EmbeddingGemma:DefaultPromptName 'medical' is not a prompt of the model at EmbeddingGemma:ModelPath '{folder.Path}'; its prompts are ", failure, StringComparison.Ordinal);
        Assert.Contains(", legal, query.", failure, StringComparison.Ordinal);

        static IHost BuildHost(string modelPath, string prompt)
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["EmbeddingGemma:ModelPath"] = modelPath,
                ["EmbeddingGemma:DefaultPromptName"] = prompt,
            });
            builder.Services.AddEmbeddingGemma(builder.Configuration.GetSection("EmbeddingGemma"));
            return builder.Build();
        }
    }

    [Fact]
    public async Task Execution_provider_binds_from_configuration_and_a_missing_one_names_its_package()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EmbeddingGemma:ModelPath"] = TinyModel.Directory,
            ["EmbeddingGemma:ExecutionProvider"] = "Cuda",
            ["EmbeddingGemma:DeviceId"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddEmbeddingGemma(configuration.GetSection("EmbeddingGemma"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        EmbeddingGemmaServiceOptions options = provider.GetRequiredService<EmbeddingGemmaModel>().Options;
        Assert.Equal((EmbeddingGemmaExecutionProvider.Cuda, 1), (options.ExecutionProvider, options.DeviceId));
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["text"]));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error.Message);
    }

    [Fact]
    public async Task Without_a_model_path_only_the_hub_settings_are_checked_and_nothing_is_downloaded()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeyedEmbeddingGemma("docs", o => o.Dimensions = 128);
        builder.Services.AddKeyedEmbeddingGemma("bad", o => o.HubRevision = "");
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.StartsWith("EmbeddingGemma[bad]:HubRevision '' is not a revision", Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, host.Services.GetRequiredKeyedService<EmbeddingGemmaModel>("docs").Status);
        var docs = host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("docs");
        Assert.Same(host.Services.GetRequiredKeyedService<EmbeddingGemmaModel>("docs"), docs.GetService<EmbeddingGemmaModel>());
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, host.Services.GetRequiredKeyedService<EmbeddingGemmaModel>("docs").Status);
    }

    [Fact]
    public async Task Keyed_registrations_are_independent_models_with_their_own_defaults()
    {
        var services = new ServiceCollection();
        services.AddKeyedEmbeddingGemma("small", o => { o.ModelPath = TinyModel.Directory; o.Dimensions = 16; });
        services.AddKeyedEmbeddingGemma("docs", o => { o.ModelPath = TinyModel.Directory; o.DefaultPromptName = EmbeddingGemmaPromptNames.Document; });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var small = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("small");
        var docs = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("docs");
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Equal(16, (await small.GenerateAsync("text")).Vector.Length);
        Embedding<float> doc = await docs.GenerateAsync("text");
        Embedding<float> explicitDoc = await docs.GenerateDocumentEmbeddingAsync("text");
        Assert.Equal(explicitDoc.Vector.ToArray(), doc.Vector.ToArray());
        Assert.NotSame(provider.GetRequiredKeyedService<EmbeddingGemmaModel>("small"), provider.GetRequiredKeyedService<EmbeddingGemmaModel>("docs"));
    }

    [Fact]
    public async Task EagerLoad_loads_while_the_host_starts_and_lazy_does_not()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddEmbeddingGemma(o => { o.ModelPath = TinyModel.Directory; o.EagerLoad = true; });
        builder.Services.AddKeyedEmbeddingGemma("lazy", o => o.ModelPath = TinyModel.Directory);
        using IHost host = builder.Build();

        await host.StartAsync();
        Assert.Equal(EmbeddingGemmaModelStatus.Loaded, host.Services.GetRequiredService<EmbeddingGemmaModel>().Status);
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, host.Services.GetRequiredKeyedService<EmbeddingGemmaModel>("lazy").Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task Health_check_reports_not_loaded_loaded_and_failed()
    {
        string? path = null;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmbeddingGemma(o => o.ModelLocator = (_, _) => Task.FromResult(path!));
        services.AddHealthChecks().AddEmbeddingGemma();
        await using ServiceProvider provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        HealthReport notLoaded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, notLoaded.Entries["embeddinggemma"].Status);
        Assert.Contains("not loaded", notLoaded.Entries["embeddinggemma"].Description, StringComparison.Ordinal);

        path = Path.Combine(Path.GetTempPath(), "skeg-missing-" + Guid.NewGuid().ToString("N"));
        var loadError = await Assert.ThrowsAnyAsync<IOException>(() => generator.GenerateAsync("x"));
        HealthReport failed = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, failed.Entries["embeddinggemma"].Status);
        Assert.Contains(loadError.Message, failed.Entries["embeddinggemma"].Description, StringComparison.Ordinal);
        Assert.Equal(EmbeddingGemmaModelStatus.Failed, provider.GetRequiredService<EmbeddingGemmaModel>().Status);

        // The next call retries, and a fixed locator heals the registration.
        path = TinyModel.Directory;
        await generator.GenerateAsync("x");
        HealthReport loaded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, loaded.Entries["embeddinggemma"].Status);
        Assert.Equal(TinyModel.Dimensions, loaded.Entries["embeddinggemma"].Data["dimensions"]);
    }

    [Fact]
    public async Task Returned_builder_chains_Microsoft_Extensions_AI_middleware()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory)
            .UseLogging()
            .UseOpenTelemetry();
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.NotNull(generator.GetService<OpenTelemetryEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(TinyModel.Dimensions, (await generator.GenerateQueryEmbeddingAsync("chained")).Vector.Length);
    }

    [Fact]
    public void Error_text_drops_parameter_names_unwraps_retries_and_stays_on_one_line()
    {
        Assert.Equal("Unknown prompt name 'x'.", EmbeddingGemmaErrorText.Describe(new ArgumentException("Unknown prompt name 'x'.", "options")));
        Assert.Equal("Dimensions must be positive. Actual value was 0.",
            EmbeddingGemmaErrorText.Describe(new ArgumentOutOfRangeException("value", 0, "Dimensions must be positive.")));
        Assert.Equal("Connection refused (127.0.0.1:9)", EmbeddingGemmaErrorText.Describe(new AggregateException(
            "Retry failed after 2 tries.", new HttpRequestException("Connection refused (127.0.0.1:9)"), new HttpRequestException("Connection refused (127.0.0.1:9)"))));
        Assert.Equal("EmbeddingGemma:Dimensions must be at least 1 (was 0).; EmbeddingGemma:MaxTokens must be at least 2 (was 1).",
            EmbeddingGemmaErrorText.Describe(new OptionsValidationException("", typeof(EmbeddingGemmaServiceOptions),
                ["EmbeddingGemma:Dimensions must be at least 1 (was 0).", "EmbeddingGemma:MaxTokens must be at least 2 (was 1)."])));
        Assert.Equal("first line second line", EmbeddingGemmaErrorText.Describe(new InvalidDataException("first line\r\n  second line\n")));
        Assert.Throws<ArgumentNullException>("exception", () => EmbeddingGemmaErrorText.Describe(null!));
    }

    [Fact]
    public void Null_arguments_are_rejected_by_name()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>("services", () => EmbeddingGemmaServiceCollectionExtensions.AddEmbeddingGemma(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => services.AddEmbeddingGemma((Action<EmbeddingGemmaServiceOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => services.AddEmbeddingGemma((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>("serviceKey", () => services.AddKeyedEmbeddingGemma(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("options", () => new EmbeddingGemmaModel(null!));
        Assert.Throws<ArgumentNullException>("model", () => new EmbeddingGemmaHealthCheck(null!));
    }
}
