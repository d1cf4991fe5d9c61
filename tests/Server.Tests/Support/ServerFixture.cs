using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>One shared server over the tiny model (64 tokens, 8 inputs per request, 16 KiB bodies) and a generator to compare against.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const int MaxTokens = 64;

    private TestServer? _server;

    public TestServer Server => _server!;

    public HttpClient Http => Server.Http;

    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>A generator with the server's settings (document prompt by default, as the server's), to compare against.</summary>
    public EmbeddingGemmaGenerator Direct { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Direct = new EmbeddingGemmaGenerator(TinyModel.Directory, new EmbeddingGemmaGeneratorOptions { MaxTokens = MaxTokens });
        _server = await TestServer.StartAsync(TestServer.TinySettings(MaxTokens));
        await _server.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Direct?.Dispose();
    }
}
