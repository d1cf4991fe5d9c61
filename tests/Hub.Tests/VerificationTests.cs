using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>Every file is checked against the size and a hash the Hub gives, whatever its ETag looks like.</summary>
public sealed class VerificationTests
{
    [Theory]
    [InlineData(HubFixture.DataFile, "SHA-256")]
    [InlineData("config.json", "git blob id")]
    public async Task A_corrupt_file_behind_an_opaque_etag_fails_the_hash_from_the_listing(string file, string hash)
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.OpaqueEtags = true;
        hub.Corrupt[file] = true;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.Corrupt, error.Kind);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(hash, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs"), FakeHub.OpaqueEtag(hub.Files[file]) + "*"));

        hub.Corrupt.Clear();
        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
        Assert.Equal(hub.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
    }

    [Fact]
    public async Task Without_any_hash_the_download_fails_closed_unless_the_caller_opts_out()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.OpaqueEtags = true;
        hub.ListingMetadata = false;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Unverifiable, error.Kind);
        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowUnverifiedFiles", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-unverified", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && !r.Path.StartsWith("/api/", StringComparison.Ordinal));

        options.AllowUnverifiedFiles = true;
        string folder = await HubFixture.DownloadAsync(options);
        foreach (string file in HubFixture.ModelFiles)
        {
            Assert.Equal(hub.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
        }
    }

    [Theory]
    [InlineData(-1000)]
    [InlineData(1000)]
    public async Task A_body_of_another_size_than_announced_is_corrupt_even_unverified(int difference)
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.OpaqueEtags = true;
        hub.ListingMetadata = false;
        hub.ServedLength[HubFixture.DataFile] = hub.Files[HubFixture.DataFile].Length + difference;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.AllowUnverifiedFiles = true;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Corrupt, error.Kind);
        Assert.Contains(HubFixture.DataFile, error.Message, StringComparison.Ordinal);
        Assert.Contains($"instead of {hub.Files[HubFixture.DataFile].Length:N0}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs"), FakeHub.OpaqueEtag(hub.Files[HubFixture.DataFile]) + "*"));
    }

    [Fact]
    public async Task A_listing_that_disagrees_with_the_headers_stops_the_download()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        // The listing describes one model.onnx_data, HEAD (X-Linked-Etag / X-Linked-Size) another.
        byte[] real = hub.Files[HubFixture.DataFile];
        hub.Files[HubFixture.DataFile] = [.. real, 1, 2, 3];
        hub.ListingOverride[HubFixture.DataFile] = real;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.InvalidResponse, error.Kind);
        Assert.Contains(HubFixture.DataFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("size", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HubFixture.DataFile)]
    [InlineData("config.json")]
    public async Task A_corrupt_blob_already_in_the_cache_is_never_used_but_downloaded_again(string file)
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string blobs = Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs");
        Directory.CreateDirectory(blobs);
        byte[] corrupt = (byte[])hub.Files[file].Clone();
        corrupt[corrupt.Length / 2] ^= 0x01;
        string blob = Path.Combine(blobs, FakeHub.Etag(file, hub.Files[file]));
        File.WriteAllBytes(blob, corrupt);

        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));

        Assert.Equal(hub.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
        Assert.Equal(hub.Files[file], File.ReadAllBytes(blob));
        Assert.Single(hub.FileGets(file));
    }

    [Fact]
    public async Task A_snapshot_file_whose_size_changed_is_fetched_again_on_the_next_online_call()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
        string blob = Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs", FakeHub.Sha256(hub.Files[HubFixture.DataFile]));
        File.WriteAllBytes(blob, hub.Files[HubFixture.DataFile].AsSpan(0, 1000).ToArray());
        hub.Requests.Clear();

        Assert.Equal(folder, await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(hub.Files[HubFixture.DataFile], File.ReadAllBytes(Path.Combine(folder, HubFixture.DataFile)));
        Assert.Single(hub.FileGets(HubFixture.DataFile));
        Assert.DoesNotContain(hub.Requests, r => r.Method == "HEAD" && r.Path.EndsWith("config.json", StringComparison.Ordinal));
    }
}
