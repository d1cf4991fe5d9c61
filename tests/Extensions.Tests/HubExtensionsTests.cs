using Microsoft.Extensions.DependencyInjection;
using SkEmbeddingGemma.Hub;

namespace SkEmbeddingGemma.Extensions.Tests;

public sealed class HubExtensionsTests
{
    [Fact]
    public async Task UseHuggingFaceHub_sets_a_locator_that_uses_the_hub_cache()
    {
        string cache = Directory.CreateTempSubdirectory("skeg-hubcache-").FullName;
        try
        {
            var options = new EmbeddingGemmaServiceOptions();

            Assert.Same(options, options.UseHuggingFaceHub(new HubDownloadOptions { CacheDirectory = cache, Offline = true }));
            Assert.NotNull(options.ModelLocator);

            // Offline with an empty cache: the Hub downloader's own clear error comes through.
            using ServiceProvider services = new ServiceCollection().BuildServiceProvider();
            HubDownloadException ex = await Assert.ThrowsAsync<HubDownloadException>(() => options.ModelLocator!(services, CancellationToken.None));
            Assert.Equal(HubErrorKind.Offline, ex.Kind);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void UseHuggingFaceHub_rejects_null_options()
    {
        Assert.Throws<ArgumentNullException>("options", () => EmbeddingGemmaHubExtensions.UseHuggingFaceHub(null!));
    }
}
