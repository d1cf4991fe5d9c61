using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace SkEmbeddingGemma.Samples.EmbeddingServer;

/// <summary>Builds the embedding server: <c>AddEmbeddingGemma</c> from configuration, the endpoints, health and metrics.</summary>
public static class EmbeddingServerApp
{
    private const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// Builds, starts and serves until shutdown. A start that fails (a bad setting, a model that does not load with
    /// <c>EagerLoad</c>, a port in use) writes one line naming the problem to <paramref name="error"/> and returns 1.
    /// </summary>
    /// <param name="args">The command line: configuration such as <c>--EmbeddingGemma:ModelPath DIR</c>.</param>
    /// <param name="error">Where a failed start is reported, usually stderr.</param>
    /// <returns>0 after a clean shutdown, 1 when the server could not start.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = Build(args);
            await app.StartAsync();
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"EmbeddingServer could not start: {EmbeddingGemmaErrorText.Describe(ex)}");
            return 1;
        }

        await using (app)
        {
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>Builds the app; <paramref name="configure"/> may add configuration or services first (tests do).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

        // RunAsync reports a failed start as one line; the host would log it again, with its stack trace. The host's
        // other messages are debug traces, and its error events are about background services, which this app has none of.
        builder.Logging.AddFilter(HostLogCategory, LogLevel.None);
        configure?.Invoke(builder);

        builder.Services.AddEmbeddingGemma(builder.Configuration.GetSection(EmbeddingGemmaServiceOptions.SectionName));
        builder.Services.AddHealthChecks().AddEmbeddingGemma();
        builder.Services.AddOptions<EmbeddingServerOptions>()
            .Bind(builder.Configuration.GetSection("EmbeddingServer"))
            .Validate(o => o.MaxInputs >= 1, "EmbeddingServer:MaxInputs must be at least 1.")
            .Validate(o => o.MaxInputLength >= 1, "EmbeddingServer:MaxInputLength must be at least 1.")
            .Validate(o => o.MaxRequestBodyBytes >= 1024, "EmbeddingServer:MaxRequestBodyBytes must be at least 1024.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ServerMetrics>();

        WebApplication app = builder.Build();
        app.MapPost("/v1/embeddings", EmbeddingEndpoints.OpenAiEmbeddingsAsync);
        app.MapPost("/embeddings", EmbeddingEndpoints.OpenAiEmbeddingsAsync);
        app.MapPost("/embed", EmbeddingEndpoints.TeiEmbedAsync);
        app.MapPost("/tokenize", EmbeddingEndpoints.TokenizeAsync);
        app.MapGet("/v1/models", (IOptions<EmbeddingServerOptions> options) => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = options.Value.ModelName, @object = "model", owned_by = "local" } },
        }));
        app.MapGet("/metrics", (ServerMetrics metrics, EmbeddingGemmaModel model) =>
            Results.Text(metrics.ToPrometheusText(model), "text/plain; version=0.0.4"));
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        };
        return context.Response.WriteAsJsonAsync(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }
}
