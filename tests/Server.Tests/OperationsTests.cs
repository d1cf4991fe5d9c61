using System.ClientModel;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using SkEmbeddingGemma.AspNetCore.Tests.Support;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>API keys, the concurrency limit, graceful shutdown, probes, micro-batching and telemetry, over real HTTP.</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task API_keys_are_required_on_every_route_but_health_and_refusals_take_each_routes_shape()
    {
        await using TestServer server = await TestServer.StartAsync(new Dictionary<string, string?>(TestServer.TinySettings())
        {
            ["EmbeddingGemmaServer:ApiKeys:0"] = "key-one",
            ["EmbeddingGemmaServer:ApiKeys:1"] = "key-two",
        });
        await server.WaitUntilReadyAsync();

        using HttpResponseMessage missing = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = "x" });
        JsonElement error = await Json.AssertOpenAiErrorAsync(missing, HttpStatusCode.Unauthorized, "needs an API key");
        Assert.Equal("missing_api_key", error.GetProperty("code").GetString());
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/embed") { Content = JsonContent.Create(new { inputs = "x" }) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-three");
        Assert.Equal("Unauthorized", await Json.AssertTeiErrorAsync(await server.Http.SendAsync(wrong), HttpStatusCode.Unauthorized, "Incorrect API key"));
        using HttpResponseMessage metrics = await server.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Post, "/embed") { Content = JsonContent.Create(new { inputs = "x" }) };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-two");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health")).StatusCode);

        var endpoint = new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") };
        Embedding<float> embedded = await new OpenAIClient(new ApiKeyCredential("key-one"), endpoint).GetEmbeddingClient("embeddinggemma").AsIEmbeddingGenerator().GenerateAsync("x");
        Assert.Equal(TinyModel.Dimensions, embedded.Vector.Length);
        ClientResultException refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            new OpenAIClient(new ApiKeyCredential("key-on"), endpoint).GetEmbeddingClient("embeddinggemma").GenerateEmbeddingAsync("x"));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task Beyond_max_concurrent_requests_the_server_answers_429_at_once_and_serves_again_after()
    {
        await using TestServer server = await TestServer.StartAsync(new Dictionary<string, string?>(TestServer.TinySettings()) { ["EmbeddingGemmaServer:MaxConcurrentRequests"] = "1" });
        await server.WaitUntilReadyAsync();
        var held = new HeldBody("""{"input":"held text"}""");
        Task<HttpResponseMessage> first = server.Http.PostAsync("/v1/embeddings", held);
        await WaitForInFlightAsync(server, 1);

        using HttpResponseMessage openAi = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = "x" });
        JsonElement error = await Json.AssertOpenAiErrorAsync(openAi, HttpStatusCode.TooManyRequests, "limit of 1 concurrent requests");
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        using HttpResponseMessage tei = await server.Http.PostAsJsonAsync("/embed", new { inputs = "x" });
        Assert.Equal("Overloaded", await Json.AssertTeiErrorAsync(tei, HttpStatusCode.TooManyRequests, "retry later"));

        held.Release();
        using HttpResponseMessage answered = await first;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        using HttpResponseMessage again = await server.Http.PostAsJsonAsync("/embed", new { inputs = "x" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Matches(@"te_request_failure\{err=""overloaded""\} 2", await server.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Shutdown_drops_readiness_and_finishes_the_request_in_flight_then_refuses_connections()
    {
        TestServer server = await TestServer.StartAsync(TestServer.TinySettings());
        await server.WaitUntilReadyAsync();
        using var direct = new EmbeddingGemmaGenerator(TinyModel.Directory, new EmbeddingGemmaGeneratorOptions { MaxTokens = 64 });
        var held = new HeldBody("""{"inputs":["in flight during shutdown"]}""");
        Task<HttpResponseMessage> inFlight = server.Http.PostAsync("/embed", held);
        await WaitForInFlightAsync(server, 1);

        Task stopping = server.App.StopAsync();
        await Task.Delay(500);
        Assert.False(stopping.IsCompleted, "The host stopped with a request in flight.");
        Assert.False(server.App.Services.GetRequiredService<ServerState>().IsReady);

        held.Release();
        using HttpResponseMessage answered = await inFlight;
        string body = await answered.Content.ReadAsStringAsync();
        Assert.True(answered.IsSuccessStatusCode, body);
        Assert.Equal((await direct.GenerateDocumentEmbeddingAsync("in flight during shutdown")).Vector.ToArray(), Json.Floats(JsonDocument.Parse(body).RootElement[0]));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        using var fresh = new HttpClient { BaseAddress = server.BaseAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.PostAsJsonAsync("/embed", new { inputs = "after" }));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Liveness_answers_while_the_model_loads_and_readiness_waits_for_the_warm_up()
    {
        var locate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(TestServer.TinySettings(), builder =>
            builder.Services.Configure<EmbeddingGemmaServiceOptions>(o => o.ModelLocator = (_, _) => locate.Task));

        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/live")).StatusCode);
        using HttpResponseMessage notReady = await server.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("Loading", (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString());

        locate.SetResult(TinyModel.Directory);
        await server.WaitUntilReadyAsync();
        Assert.Equal(EmbeddingGemmaModelStatus.Loaded, server.App.Services.GetRequiredService<EmbeddingGemmaModel>().Status);
    }

    [Fact]
    public async Task Concurrent_requests_are_merged_into_batches_and_each_gets_its_own_vector()
    {
        await using TestServer server = await TestServer.StartAsync(new Dictionary<string, string?>(TestServer.TinySettings()) { ["EmbeddingGemmaServer:MicroBatchWindowMilliseconds"] = "300" });
        await server.WaitUntilReadyAsync();
        using var direct = new EmbeddingGemmaGenerator(TinyModel.Directory, new EmbeddingGemmaGeneratorOptions { MaxTokens = 64 });
        string[] texts = [.. Enumerable.Range(0, 8).Select(i => $"text number {i}")];

        JsonElement[] answers = await Task.WhenAll(texts.Select(t => Json.PostOkAsync(server.Http, "/embed", new { inputs = t, prompt_name = "query" })));

        GeneratedEmbeddings<Embedding<float>> expected = await direct.GenerateQueryEmbeddingsAsync(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            float[] served = Json.Floats(answers[i][0]);
            float[] wanted = expected[i].Vector.ToArray();
            Assert.Equal(wanted.Length, served.Length);
            Assert.All(wanted.Zip(served), p => Assert.Equal(p.First, p.Second, 4));
        }

        string metrics = await server.Http.GetStringAsync("/metrics");
        int batches = int.Parse(System.Text.RegularExpressions.Regex.Match(metrics, @"te_batch_next_size_count (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(batches, 1, 4);
        Assert.Contains("te_batch_next_size_sum 8", metrics, StringComparison.Ordinal);
    }

    private static async Task WaitForInFlightAsync(TestServer server, int count)
    {
        ServerState state = server.App.Services.GetRequiredService<ServerState>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (state.Metrics.InFlight < count)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
