using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SkEmbeddingGemma.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the EmbeddingGemma HTTP service on any ASP.NET Core app.</summary>
public static class EmbeddingGemmaEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the service registered by <c>AddEmbeddingGemmaServer</c>: OpenAI's <c>POST /v1/embeddings</c> (also
    /// <c>/embeddings</c>) and <c>GET /v1/models</c>; Text Embeddings Inference's <c>POST /embed</c>, <c>/embed_all</c>,
    /// <c>/tokenize</c>, <c>/decode</c> and <c>GET /info</c>, <c>/health</c>, <c>/metrics</c>; and the probes
    /// <c>GET /health/live</c> and <c>GET /health/ready</c>. With API keys configured, every route but the health ones
    /// needs <c>Authorization: Bearer KEY</c>.
    /// </summary>
    /// <param name="endpoints">The app or route group to map on; a group's prefix applies to every route.</param>
    /// <returns>The routes' convention builder, to add authorization, CORS or rate limiting policies.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><c>AddEmbeddingGemmaServer</c> was not called.</exception>
    public static IEndpointConventionBuilder MapEmbeddingGemma(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Asked of the container, not resolved: resolving would build the options now, before the host's start validates them.
        if (endpoints.ServiceProvider.GetService(typeof(IServiceProviderIsService)) is IServiceProviderIsService registered && !registered.IsService(typeof(ServerState)))
        {
            throw new InvalidOperationException("MapEmbeddingGemma() needs builder.Services.AddEmbeddingGemmaServer(builder.Configuration) first.");
        }

        RouteGroupBuilder group = endpoints.MapGroup(string.Empty);
        group.MapPost("/v1/embeddings", OpenAiEndpoints.EmbeddingsAsync);
        group.MapPost("/embeddings", OpenAiEndpoints.EmbeddingsAsync);
        group.MapGet("/v1/models", OpenAiEndpoints.ModelsAsync);
        group.MapPost("/embed", TeiEndpoints.EmbedAsync);
        group.MapPost("/embed_all", TeiEndpoints.EmbedAllAsync);
        group.MapPost("/tokenize", TeiEndpoints.TokenizeAsync);
        group.MapPost("/decode", TeiEndpoints.DecodeAsync);
        group.MapGet("/info", ServiceEndpoints.InfoAsync);
        group.MapGet("/metrics", ServiceEndpoints.MetricsAsync);
        group.MapGet("/health", ServiceEndpoints.HealthAsync);
        group.MapGet("/health/live", ServiceEndpoints.Live);
        group.MapGet("/health/ready", ServiceEndpoints.Ready);
        return group;
    }
}
