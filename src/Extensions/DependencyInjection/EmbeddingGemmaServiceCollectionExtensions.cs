using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers EmbeddingGemma as the app's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
/// <remarks>
/// Each registration adds: the validated <see cref="EmbeddingGemmaServiceOptions"/> (checked at host start), one singleton
/// <see cref="EmbeddingGemmaModel"/> that loads on first use (or at start with <see cref="EmbeddingGemmaServiceOptions.EagerLoad"/>),
/// and a generator pipeline, <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and <see cref="IEmbeddingGenerator"/>, whose
/// builder is returned so middleware chains: <c>.UseDistributedCache().UseLogging().UseOpenTelemetry()</c>. The pipeline's
/// outermost layer puts the loaded model's content identity in <see cref="EmbeddingGenerationOptions.ModelId"/> when a call
/// names none, so a cache keys on the model: two models (EmbeddingGemma and EmbeddingGemma 2) sharing one cache never
/// exchange vectors.
/// </remarks>
public static class EmbeddingGemmaServiceCollectionExtensions
{
    /// <summary>
    /// Registers EmbeddingGemma from the Hugging Face Hub (<c>onnx-community/embeddinggemma-300m-ONNX</c>, downloaded
    /// once into the huggingface_hub cache on first use), or as the app's <c>EmbeddingGemma</c> configuration section
    /// says when an <see cref="IConfiguration"/> is registered, as hosts do (<c>EmbeddingGemma:ModelPath</c>,
    /// <c>EmbeddingGemma:HubRepository</c>, ...). <c>HF_ENDPOINT</c>, <c>HF_HOME</c>, <c>HF_HUB_CACHE</c>,
    /// <c>HF_TOKEN</c> and <c>HF_HUB_OFFLINE</c> apply.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="lifetime">The generator pipeline's lifetime; the model itself is always a singleton.</param>
    /// <returns>The pipeline's builder, to chain middleware.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddEmbeddingGemma(
        this IServiceCollection services, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EmbeddingGemmaServiceOptions>(GetOptionsName(serviceKey: null))
            .Configure<IServiceProvider>((options, sp) => sp.GetService<IConfiguration>()?.GetSection(EmbeddingGemmaServiceOptions.SectionName).Bind(options));
        return AddCore(services, serviceKey: null, configuration: null, configure: null, lifetime);
    }

    /// <summary>Registers EmbeddingGemma configured in code.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options; with no <see cref="EmbeddingGemmaServiceOptions.ModelPath"/> or <see cref="EmbeddingGemmaServiceOptions.ModelLocator"/>, the model comes from the Hugging Face Hub.</param>
    /// <param name="lifetime">The generator pipeline's lifetime; the model itself is always a singleton.</param>
    /// <returns>The pipeline's builder, to chain middleware.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddEmbeddingGemma(
        this IServiceCollection services, Action<EmbeddingGemmaServiceOptions> configure, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, serviceKey: null, configuration: null, configure, lifetime);
    }

    /// <summary>Registers EmbeddingGemma bound to a configuration section, usually <c>EmbeddingGemma</c>.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configuration">The section holding <c>ModelPath</c>, <c>Variant</c>, <c>Dimensions</c>, ...; validation messages name its keys.</param>
    /// <param name="configure">Adjusts the bound options, such as setting a <see cref="EmbeddingGemmaServiceOptions.ModelLocator"/>; null for none.</param>
    /// <param name="lifetime">The generator pipeline's lifetime; the model itself is always a singleton.</param>
    /// <returns>The pipeline's builder, to chain middleware.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddEmbeddingGemma(
        this IServiceCollection services, IConfiguration configuration, Action<EmbeddingGemmaServiceOptions>? configure = null,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey: null, configuration, configure, lifetime);
    }

    /// <summary>Registers EmbeddingGemma under a service key (several models, widths or default roles side by side).</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key of the generator and of its <see cref="EmbeddingGemmaModel"/>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="lifetime">The generator pipeline's lifetime; the model itself is always a singleton.</param>
    /// <returns>The pipeline's builder, to chain middleware.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="configure"/> is null.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedEmbeddingGemma(
        this IServiceCollection services, object serviceKey, Action<EmbeddingGemmaServiceOptions> configure,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, serviceKey, configuration: null, configure, lifetime);
    }

    /// <summary>Registers EmbeddingGemma under a service key, bound to a configuration section.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key of the generator and of its <see cref="EmbeddingGemmaModel"/>.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <param name="configure">Adjusts the bound options; null for none.</param>
    /// <param name="lifetime">The generator pipeline's lifetime; the model itself is always a singleton.</param>
    /// <returns>The pipeline's builder, to chain middleware.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="configuration"/> is null.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedEmbeddingGemma(
        this IServiceCollection services, object serviceKey, IConfiguration configuration,
        Action<EmbeddingGemmaServiceOptions>? configure = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey, configuration, configure, lifetime);
    }

    internal static string GetOptionsName(object? serviceKey) =>
        serviceKey is null ? Options.Options.DefaultName : $"{EmbeddingGemmaServiceOptions.SectionName}[{serviceKey}]";

    private static EmbeddingGeneratorBuilder<string, Embedding<float>> AddCore(
        IServiceCollection services, object? serviceKey, IConfiguration? configuration,
        Action<EmbeddingGemmaServiceOptions>? configure, ServiceLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(services);
        string optionsName = GetOptionsName(serviceKey);
        string settingPrefix = configuration is IConfigurationSection section
            ? section.Path + ":"
            : (serviceKey is null ? EmbeddingGemmaServiceOptions.SectionName : optionsName) + ":";

        OptionsBuilder<EmbeddingGemmaServiceOptions> options = services.AddOptions<EmbeddingGemmaServiceOptions>(optionsName);
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<EmbeddingGemmaServiceOptions>>(new EmbeddingGemmaServiceOptionsValidator(optionsName, settingPrefix));
        options.ValidateOnStart();

        services.AddKeyedSingleton(serviceKey, (sp, _) => new EmbeddingGemmaModel(
            sp.GetRequiredService<IOptionsMonitor<EmbeddingGemmaServiceOptions>>().Get(optionsName),
            sp,
            sp.GetService<ILogger<EmbeddingGemmaModel>>(),
            optionsName,
            settingPrefix));
        services.AddSingleton(new EmbeddingGemmaRegistration(serviceKey));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EmbeddingGemmaWarmupService>());

        Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> factory =
            sp => new LazyEmbeddingGemmaGenerator(sp.GetRequiredKeyedService<EmbeddingGemmaModel>(serviceKey));
        EmbeddingGeneratorBuilder<string, Embedding<float>> builder = serviceKey is null
            ? services.AddEmbeddingGenerator(factory, lifetime)
            : services.AddKeyedEmbeddingGenerator(serviceKey, factory, lifetime);

        // Added first, so it is the outermost layer: middleware the caller adds (a cache) sees the model in the options.
        return builder.Use((inner, sp) => new ModelKeyedEmbeddingGenerator(inner, sp.GetRequiredKeyedService<EmbeddingGemmaModel>(serviceKey)));
    }
}
