using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>
/// A YARP proxy-pipeline step (the README's scale-out recipe): a request whose replica could not be reached, or died
/// before answering, is sent once more to another healthy replica. Embedding requests are idempotent, so a retry
/// never does harm; the body is buffered so it can be sent twice.
/// </summary>
public static class RetryOnTransportFailure
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        context.Request.EnableBuffering();
        await next();

        IForwarderErrorFeature? error = context.GetForwarderErrorFeature();
        if (error is not { Error: ForwarderError.Request or ForwarderError.RequestTimedOut } || context.Response.HasStarted)
        {
            return;
        }

        IReverseProxyFeature proxy = context.GetReverseProxyFeature();
        DestinationState? failed = proxy.ProxiedDestination;
        DestinationState[] others = [.. proxy.AllDestinations.Where(d => d != failed && d.Health.Active != DestinationHealth.Unhealthy)];
        if (others.Length == 0)
        {
            return;
        }

        proxy.AvailableDestinations = others;
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Request.Body.Position = 0;
        await next();
    }
}
