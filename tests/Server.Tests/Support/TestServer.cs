using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>An app with <c>AddEmbeddingGemmaServer</c> + <c>MapEmbeddingGemma()</c> on a real loopback port (Kestrel on 127.0.0.1:0).</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(WebApplication app)
    {
        App = app;
        BaseAddress = new Uri(app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>Settings every test server starts from: the tiny model, 64 tokens, small limits.</summary>
    public static Dictionary<string, string?> TinySettings(int maxTokens = 64) => new()
    {
        ["EmbeddingGemma:ModelPath"] = TinyModel.Directory,
        ["EmbeddingGemma:MaxTokens"] = maxTokens.ToString(CultureInfo.InvariantCulture),
        ["EmbeddingGemmaServer:MaxClientBatchSize"] = "8",
        ["EmbeddingGemmaServer:MaxInputLength"] = "2000",
        ["EmbeddingGemmaServer:MaxRequestBodyBytes"] = "16384",
    };

    /// <summary>Starts a server with <paramref name="settings"/> as its configuration, quiet below warnings.</summary>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Logging:LogLevel:Default"] = "Warning" });
        builder.Logging.AddFilter(EmbeddingGemmaServerHost.HostLogCategory, LogLevel.None);
        builder.Services.AddEmbeddingGemmaServer(builder.Configuration);
        configure?.Invoke(builder);
        WebApplication app = builder.Build();
        app.MapEmbeddingGemma();
        await app.StartAsync();
        return new TestServer(app);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (the warm-up is done).</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            using HttpResponseMessage response = await Http.GetAsync("/health/ready", timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
