using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>The service routes: TEI's <c>/info</c>, <c>/health</c> and <c>/metrics</c>, and the probes <c>/health/live</c> and <c>/health/ready</c>.</summary>
internal static class ServiceEndpoints
{
    private static readonly string s_version =
        typeof(ServiceEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static Task InfoAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "tei_info", openAi: false, limited: false, async (context, state, cancellationToken) =>
        {
            EmbeddingGemmaGenerator model = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            EmbeddingGemmaServiceOptions settings = state.Model.Options;
            var defaults = new EmbeddingGemmaGeneratorOptions();
            object body = new
            {
                model_id = model.ModelId,
                model_sha = (string?)null,
                model_dtype = (settings.Variant ?? defaults.Variant) switch
                {
                    "model" => "float32",
                    "model_quantized" or "model_int8" or "model_uint8" => "int8",
                    "model_q4" or "model_q4f16" => "q4",
                    string variant => variant,
                },
                model_type = new { embedding = new { pooling = "mean" } },
                max_concurrent_requests = state.Options.MaxConcurrentRequests,
                max_input_length = model.MaxTokens,
                max_batch_tokens = settings.MaxBatchTokens ?? defaults.MaxBatchTokens,
                max_batch_requests = state.Options.MaxBatchRequests,
                max_client_batch_size = state.Options.MaxClientBatchSize,
                auto_truncate = state.Options.AutoTruncate,
                tokenization_workers = 1,
                version = s_version,
                sha = (string?)null,
                docker_label = (string?)null,

                // Beyond TEI: what a client needs to choose a role and a width.
                dimensions = model.EmbeddingDimensions,
                default_prompt_name = settings.DefaultPromptName,
                prompts = model.PromptNames.Order(StringComparer.Ordinal).ToArray(),
                openai_models = OpenAiEndpoints.ModelIds(state, model).ToArray(),
            };
            return (body, 0, 0L);
        });

    public static Task MetricsAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "metrics", openAi: false, limited: false, (context, state, _) =>
        {
            // Written here rather than returned: Prometheus reads text, not JSON.
            context.Response.ContentType = "text/plain; version=0.0.4";
            return WriteTextAsync(context, state.Metrics.ToPrometheusText(state.Model));
        });

    /// <summary>TEI's <c>/health</c>: the model's health check as JSON; 503 when it failed to load.</summary>
    public static async Task HealthAsync(HttpContext context)
    {
        HealthReport report = await context.RequestServices.GetRequiredService<HealthCheckService>().CheckHealthAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        await context.Response.WriteAsJsonAsync(body, EndpointRunner.Json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Liveness: the process answers. It never loads the model and never fails while the server runs.</summary>
    public static IResult Live() => Results.Json(new { status = "Healthy" });

    /// <summary>Readiness: 200 once the model is loaded and warmed up, 503 before, after a failed load, and from the start of shutdown.</summary>
    public static IResult Ready(HttpContext context)
    {
        ServerState state = context.RequestServices.GetRequiredService<ServerState>();
        bool ready = state.IsReady;
        return Results.Json(new { status = ready ? "Ready" : "NotReady", model = state.Model.Status.ToString() },
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<(object Body, int Inputs, long Tokens)> WriteTextAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        await context.Response.CompleteAsync().ConfigureAwait(false);
        return (Done.Instance, 0, 0);
    }

    /// <summary>A body already written.</summary>
    internal sealed class Done
    {
        public static readonly Done Instance = new();
    }
}
