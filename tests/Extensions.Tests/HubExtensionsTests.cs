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
    public async Task UseHuggingFaceHub_without_hub_options_downloads_what_the_service_options_say()
    {
        string cache = Directory.CreateTempSubdirectory("skeg-hubcache-").FullName;
        try
        {
            var options = new EmbeddingGemmaServiceOptions { HubRepository = "my-org/gemma-copy", HubCacheDirectory = cache, HubOffline = true, Variant = "model_q4" };
            options.UseHuggingFaceHub();

            using ServiceProvider services = new ServiceCollection().BuildServiceProvider();
            HubDownloadException ex = await Assert.ThrowsAsync<HubDownloadException>(() => options.ModelLocator!(services, CancellationToken.None));
            Assert.Contains($"the cache {cache} does not hold my-org/gemma-copy@main with the 'model_q4' variant", ex.Message, StringComparison.Ordinal);
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
