using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkEmbeddingGemma.AspNetCore.Tests.Support;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;
using Yarp.ReverseProxy.Configuration;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>
/// The scale-out recipe: YARP on 127.0.0.1 in front of two <c>embeddinggemma serve</c> replicas (child processes),
/// readiness-checked, retrying transport failures on the other replica. One replica is killed (SIGKILL) mid-load.
/// </summary>
public sealed class ScaleOutTests
{
    private const int Requests = 240;
    private const int Clients = 8;

    [Fact]
    public async Task Two_replicas_behind_YARP_lose_no_request_but_those_in_flight_when_one_is_killed_mid_load()
    {
        using var folder = new TempFolder();
        await using ServeProcess first = await ServeProcess.StartAsync(["--model-id", TinyModel.Directory], folder.Path);
        await using ServeProcess second = await ServeProcess.StartAsync(["--model-id", TinyModel.Directory], folder.Path);
        await using WebApplication proxy = await StartProxyAsync(first.BaseAddress, second.BaseAddress);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Urls.Single()), Timeout = TimeSpan.FromMinutes(1) };
        using var direct = new EmbeddingGemmaGenerator(TinyModel.Directory);
        float[] expected = (await direct.GenerateQueryEmbeddingAsync("scale out")).Vector.ToArray();
        await WaitUntilBothReadyAsync(first, second);

        int sent = 0, inFlight = 0, completed = 0, inFlightAtKill = -1;
        var outcomes = new ConcurrentBag<(HttpStatusCode? Status, string Detail)>();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task ClientAsync()
        {
            while (Interlocked.Increment(ref sent) <= Requests)
            {
                Interlocked.Increment(ref inFlight);
                try
                {
                    using HttpResponseMessage response = await http.PostAsJsonAsync("/v1/embeddings", new { input = "scale out", model = "embeddinggemma:query" });
                    string body = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        float[] vector = Json.Floats(JsonDocument.Parse(body).RootElement.GetProperty("data")[0].GetProperty("embedding"));
                        Assert.All(expected.Zip(vector), p => Assert.Equal(p.First, p.Second, 4));
                    }

                    outcomes.Add((response.StatusCode, body));
                }
                catch (HttpRequestException ex)
                {
                    outcomes.Add((null, ex.Message));
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }

                if (Interlocked.Increment(ref completed) == Requests / 4)
                {
                    // Mid-load: a quarter done, the clients keep sending.
                    inFlightAtKill = Volatile.Read(ref inFlight) + 1;
                    first.Kill();
                    killed.SetResult();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ClientAsync())).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(killed.Task.IsCompleted);
        Assert.Equal(Requests, outcomes.Count);
        var failures = outcomes.Where(o => o.Status != HttpStatusCode.OK).ToArray();
        Assert.True(failures.Length <= inFlightAtKill, $"{failures.Length} failed, {inFlightAtKill} were in flight at the kill: {string.Join(" | ", failures.Select(f => $"{f.Status} {f.Detail}"))}");

        // Those that failed failed cleanly and at once (the client's timeout would throw, failing the test): a 5xx
        // from the proxy, or, for a replica killed after it began its answer, the proxy aborting that response.
        Assert.True(
            failures.All(f => f.Status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or null),
            string.Join(" | ", failures.Select(f => $"{f.Status} {f.Detail}")));
        Assert.True(outcomes.Count(o => o.Status == HttpStatusCode.OK) >= Requests - inFlightAtKill);
    }

    private static async Task<WebApplication> StartProxyAsync(Uri first, Uri second)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "embeddings", ClusterId = "replicas", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "replicas",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["first"] = new() { Address = first.ToString() },
                    ["second"] = new() { Address = second.ToString() },
                },
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromMilliseconds(500),
                        Timeout = TimeSpan.FromSeconds(2),
                        Policy = "ConsecutiveFailures",
                        Path = "/health/ready",
                    },
                },
            }]);
        WebApplication app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use(RetryOnTransportFailure.InvokeAsync);
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        await app.StartAsync();
        return app;
    }

    private static async Task WaitUntilBothReadyAsync(params ServeProcess[] replicas)
    {
        using var http = new HttpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        foreach (ServeProcess replica in replicas)
        {
            while (!(await http.GetAsync(new Uri(replica.BaseAddress, "/health/ready"), timeout.Token)).IsSuccessStatusCode)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }
}
