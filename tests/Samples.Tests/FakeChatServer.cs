using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>An OpenAI-compatible <c>POST /v1/chat/completions</c> on a real loopback port that records each request and gives a fixed answer.</summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    public const string Answer = "Mars is the red planet [mars.md].";

    private readonly WebApplication _app;

    private FakeChatServer(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public Uri BaseAddress => new(_app.Urls.Single() + "/v1");

    public static async Task<FakeChatServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeChatServer(builder.Build());
        server._app.MapPost("/v1/chat/completions", async (HttpRequest request) =>
        {
            using JsonDocument body = await JsonDocument.ParseAsync(request.Body);
            server.Requests.Enqueue(body.RootElement.Clone());
            return Results.Json(new
            {
                id = "chatcmpl-test",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = body.RootElement.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content = Answer }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 100, completion_tokens = 9, total_tokens = 109 },
            });
        });
        await server._app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
