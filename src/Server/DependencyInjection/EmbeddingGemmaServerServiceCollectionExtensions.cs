using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma;
using SkEmbeddingGemma.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what <c>MapEmbeddingGemma()</c> serves: the model, the server's options, health checks, metrics and warm-up.</summary>
public static class EmbeddingGemmaServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the EmbeddingGemma HTTP service: <c>AddEmbeddingGemma</c> bound to <paramref name="configuration"/>'s
    /// <c>EmbeddingGemma</c> section (model folder or Hub repository, variant, batch sizes, default prompt), the
    /// <see cref="EmbeddingGemmaServerOptions"/> bound to its <c>EmbeddingGemmaServer</c> section, the model's health
    /// check, metrics and a warm-up that runs after start. Both sections are validated when the host starts; each bad
    /// setting is one failure naming it.
    /// </summary>
    /// <remarks>
    /// The default prompt of requests that name none (OpenAI's plain model id, TEI's <c>/embed</c> without
    /// <c>prompt_name</c>) is <c>EmbeddingGemma:DefaultPromptName</c>, and <c>document</c> when that is not set: a
    /// document embedded without a role is stored as a document, so the vectors a store holds are the right ones, and
    /// queries ask for <c>{ModelName}:query</c> (or <c>prompt_name: "query"</c>).
    /// </remarks>
    /// <param name="services">The services to add to.</param>
    /// <param name="configuration">The app's configuration (the root, holding both sections).</param>
    /// <param name="configure">Adjusts the server's options after binding; null for none.</param>
    /// <returns>The model's generator builder, to chain middleware such as <c>.UseOpenTelemetry()</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static Microsoft.Extensions.AI.EmbeddingGeneratorBuilder<string, Microsoft.Extensions.AI.Embedding<float>> AddEmbeddingGemmaServer(
        this IServiceCollection services, IConfiguration configuration, Action<EmbeddingGemmaServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddEmbeddingGemma(
            configuration.GetSection(EmbeddingGemmaServiceOptions.SectionName),
            options => options.DefaultPromptName ??= EmbeddingGemmaPromptNames.Document);
        services.AddHealthChecks().AddEmbeddingGemma();

        OptionsBuilder<EmbeddingGemmaServerOptions> server = services.AddOptions<EmbeddingGemmaServerOptions>()
            .Bind(configuration.GetSection(EmbeddingGemmaServerOptions.SectionName));
        if (configure is not null)
        {
            server.Configure(configure);
        }

        server.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingGemmaServerOptions>, EmbeddingGemmaServerOptionsValidator>());
        services.TryAddSingleton<ServerMetrics>();
        services.TryAddSingleton<ServerState>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WarmupService>());
        return builder;
    }
}
