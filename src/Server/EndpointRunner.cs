using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// What every route does around its handler: the API key, the concurrency limit (429 beyond it), one span, metrics and
/// one structured log line per request, and errors as JSON in the route's dialect (OpenAI's <c>{"error": {...}}</c> or
/// TEI's <c>{"error", "error_type"}</c>). Every refusal is a JSON error, never a crash.
/// </summary>
internal static class EndpointRunner
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs <paramref name="handler"/> for one request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="route">The route's name in metrics and logs.</param>
    /// <param name="openAi">Whether errors take OpenAI's shape (else TEI's).</param>
    /// <param name="limited">Whether the request counts against <see cref="EmbeddingGemmaServerOptions.MaxConcurrentRequests"/>.</param>
    /// <param name="handler">Returns the body to answer, the inputs and the tokens it handled.</param>
    public static async Task RunAsync(
        HttpContext context, string route, bool openAi, bool limited,
        Func<HttpContext, ServerState, CancellationToken, Task<(object Body, int Inputs, long Tokens)>> handler)
    {
        long started = Stopwatch.GetTimestamp();
        ServerState state = context.RequestServices.GetRequiredService<ServerState>();
        ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SkEmbeddingGemma.AspNetCore.Requests");
        using Activity? activity = ServerMetrics.Source.StartActivity("embeddinggemma.request", ActivityKind.Internal);
        activity?.SetTag("embeddinggemma.route", route);
        int status = StatusCodes.Status200OK;
        int inputs = 0;
        long tokens = 0;
        bool entered = false;
        try
        {
            Authenticate(context, state);
            if (limited)
            {
                entered = state.Metrics.TryEnter(state.Options.MaxConcurrentRequests);
                if (!entered)
                {
                    throw new ApiException(429, $"The server is serving its limit of {state.Options.MaxConcurrentRequests} concurrent requests; retry later or on another replica.");
                }
            }

            (object body, inputs, tokens) = await handler(context, state, context.RequestAborted).ConfigureAwait(false);
            if (body is not ServiceEndpoints.Done)
            {
                await context.Response.WriteAsJsonAsync(body, body.GetType(), Json, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        catch (Exception ex)
        {
            status = await WriteErrorAsync(context, state, route, openAi, ex, logger).ConfigureAwait(false);
        }
        finally
        {
            if (entered)
            {
                state.Metrics.Exit();
            }

            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            state.Metrics.RecordRequest(route, status, inputs, tokens, elapsed);
            activity?.SetTag("http.response.status_code", status);
            activity?.SetTag("embeddinggemma.inputs", inputs);
            activity?.SetTag("embeddinggemma.tokens", tokens);
            if (status >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            ServerLog.Answered(logger, route, status, elapsed.TotalMilliseconds, inputs, tokens);
        }
    }

    /// <summary>Refuses a request without a valid <c>Authorization: Bearer KEY</c> when keys are configured.</summary>
    public static void Authenticate(HttpContext context, ServerState state)
    {
        if (!state.ApiKeys.IsEnabled)
        {
            return;
        }

        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            throw new ApiException(401, "This server needs an API key: send it as 'Authorization: Bearer KEY'.", code: "missing_api_key");
        }

        const string Scheme = "Bearer ";
        string? key = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
        if (!state.ApiKeys.Accepts(key))
        {
            throw new ApiException(401, "Incorrect API key provided (expected 'Authorization: Bearer KEY' with one of the server's keys).", code: "invalid_api_key");
        }
    }

    private static async Task<int> WriteErrorAsync(HttpContext context, ServerState state, string route, bool openAi, Exception ex, ILogger logger)
    {
        // A failed model load is the server's configuration or environment, whatever its exception type: never the client's 4xx.
        (int status, string type, string teiType, string? code) = ex switch
        {
            ApiException api => (api.StatusCode, api.Type, api.TeiType, api.Code),
            _ when ReferenceEquals(ex, state.Model.Failure) || ex is OptionsValidationException => (503, "model_unavailable", "model_unavailable", null),
            ArgumentException => (422, "invalid_request_error", "Validation", null),
            _ => (500, "server_error", "Backend", null),
        };
        string message = EmbeddingGemmaErrorText.Describe(ex);
        if (status >= 500)
        {
            ServerLog.Failed(logger, route, status, message, ex);
        }
        else
        {
            ServerLog.Refused(logger, route, status, message);
        }

        if (context.Response.HasStarted)
        {
            return status;
        }

        context.Response.StatusCode = status;
        if (status == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        object error = openAi
            ? new { error = new { message, type, param = (string?)null, code = code ?? (object)status } }
            : new { error = message, error_type = teiType };
        await context.Response.WriteAsJsonAsync(error, error.GetType(), Json, CancellationToken.None).ConfigureAwait(false);
        return status;
    }
}
