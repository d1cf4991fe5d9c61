using SkEmbeddingGemma.TestSupport;
namespace SkEmbeddingGemma.Hub.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("../etc")]
    [InlineData("org/../name")]
    [InlineData("/abs/name")]
    [InlineData("a/b/c")]
    [InlineData("org--x/name")]
    [InlineData("org/name/")]
    [InlineData("org\\name")]
    [InlineData("")]
    [InlineData("-org/name")]
    public void Bad_repository_ids_are_refused(string repository) =>
        Assert.Throws<ArgumentException>("value", () => new HubDownloadOptions { Repository = repository });

    [Theory]
    [InlineData("..")]
    [InlineData("../../etc")]
    [InlineData("refs/../../x")]
    [InlineData("/main")]
    [InlineData("main/")]
    [InlineData("a\\b")]
    [InlineData("C:main")]
    [InlineData("")]
    [InlineData("ma in")]
    public void Bad_revisions_are_refused(string revision) =>
        Assert.Throws<ArgumentException>("value", () => new HubDownloadOptions { Revision = revision });

    [Theory]
    [InlineData("../model")]
    [InlineData("onnx/model")]
    [InlineData("..")]
    [InlineData(".onnx")]
    [InlineData(" ")]
    public void Bad_variants_are_refused(string variant) =>
        Assert.Throws<ArgumentException>("value", () => new HubDownloadOptions { Variant = variant });

    [Theory]
    [InlineData("ftp://hub")]
    [InlineData("hub.example")]
    [InlineData("https://hub.example/?token=x")]
    public void Bad_endpoints_are_refused(string endpoint) =>
        Assert.Throws<ArgumentException>("value", () => new HubDownloadOptions { Endpoint = endpoint });

    [Fact]
    public void Null_values_are_refused()
    {
        Assert.Throws<ArgumentNullException>("value", () => new HubDownloadOptions { Repository = null! });
        Assert.Throws<ArgumentNullException>("value", () => new HubDownloadOptions { Revision = null! });
        Assert.Throws<ArgumentNullException>("value", () => new HubDownloadOptions { Variant = null! });
        Assert.Throws<ArgumentException>("value", () => new HubDownloadOptions { CacheDirectory = " " });
    }

    [Theory]
    [InlineData("refs/pr/1")]
    [InlineData("v1.0")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    public void Path_like_refs_and_commits_are_fine(string revision) =>
        Assert.Equal(revision, new HubDownloadOptions { Revision = revision }.Revision);

    [Fact]
    public void Defaults_name_the_onnx_community_export()
    {
        var options = new HubDownloadOptions { Variant = "model_quantized.onnx" };
        Assert.Equal("onnx-community/embeddinggemma-300m-ONNX", options.Repository);
        Assert.Equal(HuggingFaceHub.DefaultRepository, options.Repository);
        Assert.Equal("main", options.Revision);
        Assert.Equal("model_quantized", options.Variant);
        Assert.Null(options.Endpoint);
        Assert.Null(options.Offline);
    }

    [Fact]
    public async Task Float16_variants_are_refused_before_any_request()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Variant = "model_fp16";

        await Assert.ThrowsAsync<NotSupportedException>(() => HubFixture.DownloadAsync(options));

        Assert.Empty(hub.Requests);
    }

    [Theory]
    [InlineData("onnx/model.onnx_data/../../../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("onnx\\model.onnx_data_2")]
    [InlineData("onnx//model.onnx_data_2")]
    public async Task Unsafe_names_in_the_hubs_listing_stop_the_download(string name)
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.ExtraListing.Add(name);

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.InvalidResponse, error.Kind);
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("resolve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tampered_ref_cannot_point_outside_the_cache()
    {
        using var cache = new TempFolder();
        string refs = Path.Combine(HubFixture.RepoFolder(cache.Path), "refs");
        Directory.CreateDirectory(refs);
        File.WriteAllText(Path.Combine(refs, "main"), "../../../../tmp");
        var options = new HubDownloadOptions { CacheDirectory = cache.Path, Repository = FakeHub.Repository, Offline = true };

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Offline, error.Kind);
    }

    [Fact]
    public void Cache_names_follow_huggingface_hub()
    {
        Assert.Equal("models--onnx-community--embeddinggemma-300m-ONNX", HubNames.RepositoryFolderName(HuggingFaceHub.DefaultRepository));
        Assert.Equal("onnx/model%20x.onnx", HubNames.EscapePath("onnx/model x.onnx"));
        Assert.True(HubNames.IsCommitHash(FakeHub.Commit));
        Assert.False(HubNames.IsCommitHash("main"));
    }

    [Fact]
    public void Disk_full_is_recognised_on_unix_and_windows()
    {
        Assert.True(BlobDownloader.IsDiskFull(new IOException("No space left on device", 28)));
        Assert.True(BlobDownloader.IsDiskFull(new IOException("disk full", unchecked((int)0x80070070))));
        Assert.True(BlobDownloader.IsDiskFull(new IOException("disk full", unchecked((int)0x80070027))));
        Assert.False(BlobDownloader.IsDiskFull(new IOException("other", 5)));
    }
}
