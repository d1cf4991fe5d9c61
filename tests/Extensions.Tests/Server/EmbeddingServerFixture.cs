using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.Samples.EmbeddingServer;

namespace SkEmbeddingGemma.Extensions.Tests.Server;

/// <summary>The sample server on a real loopback port (Kestrel on 127.0.0.1:0), over the tiny model, with small limits.</summary>
public sealed class EmbeddingServerFixture : IAsyncLifetime
{
    public const int MaxTokens = 64;

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>A generator with the server's settings, to compare against.</summary>
    public EmbeddingGemmaGenerator Direct { get; private set; } = null!;

    /// <summary>Starts the server on a loopback port with <paramref name="settings"/> as its configuration, quiet below warnings.</summary>
    public static async Task<WebApplication> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplication app = EmbeddingServerApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Logging:LogLevel:Default"] = "Warning" });
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>The address a started server listens on.</summary>
    public static Uri AddressOf(WebApplication app) =>
        new(app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));

    public async Task InitializeAsync()
    {
        Direct = new EmbeddingGemmaGenerator(TinyModel.Directory, new EmbeddingGemmaGeneratorOptions { MaxTokens = MaxTokens });
        _app = await StartAsync(new Dictionary<string, string?>
        {
            ["EmbeddingGemma:ModelPath"] = TinyModel.Directory,
            ["EmbeddingGemma:MaxTokens"] = MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EmbeddingServer:MaxInputs"] = "8",
            ["EmbeddingServer:MaxInputLength"] = "2000",
            ["EmbeddingServer:MaxRequestBodyBytes"] = "16384",
        });
        BaseAddress = AddressOf(_app);
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Direct?.Dispose();
    }
}
