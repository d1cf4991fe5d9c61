using System.Diagnostics;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>No server can hold a download open forever or make it fill memory: read timeouts, a minimum speed, metadata caps.</summary>
public sealed class TransferLimitTests
{
    // Longer than any limit these tests set, far shorter than the defaults: code without the limits fails here.
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_listing_that_stalls_after_its_headers_fails_within_the_read_timeout()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.StallListing = true;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.ReadTimeout = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options).WaitAsync(s_patience));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.Contains($"the file list from {hub.Endpoint}/api/models/{FakeHub.Repository}/revision/main", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ReadTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_listing_is_cut_at_the_metadata_cap()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.EndlessListing = true;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.MaxMetadataBytes = 256 * 1024;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options).WaitAsync(s_patience));

        Assert.Equal(HubErrorKind.InvalidResponse, error.Kind);
        Assert.Contains($"{hub.Endpoint}/api/models/{FakeHub.Repository}/revision/main", error.Message, StringComparison.Ordinal);
        Assert.Contains("262,144-byte cap", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxMetadataBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_file_announced_over_the_cap_is_not_downloaded()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.MaxMetadataBytes = 16 * 1024;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("16,384-byte cap", error.Message, StringComparison.Ordinal);
        Assert.Empty(hub.FileGets("tokenizer.json"));
    }

    [Fact]
    public async Task A_trickling_download_fails_below_the_minimum_speed_keeps_its_part_and_resumes()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.Trickle = TimeSpan.FromMilliseconds(200);
        hub.TrickleChunk = 1;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.MinimumSpeedWindow = TimeSpan.FromSeconds(1);
        options.ReadTimeout = TimeSpan.FromSeconds(5);

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options).WaitAsync(s_patience));

        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.Contains("the download of config.json", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("MinimumBytesPerSecond", error.Message, StringComparison.Ordinal);
        Assert.Contains("run again to resume", error.Message, StringComparison.Ordinal);
        string partial = Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs", FakeHub.GitSha1(hub.Files["config.json"]) + ".incomplete");
        long kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 1, hub.Files["config.json"].Length - 1);

        hub.Trickle = null;
        hub.Requests.Clear();
        string folder = await HubFixture.DownloadAsync(options);

        Assert.Equal($"bytes={kept}-", Assert.Single(hub.FileGets("config.json")).Range);
        Assert.Equal(hub.Files["config.json"], File.ReadAllBytes(Path.Combine(folder, "config.json")));
    }

    [Fact]
    public async Task A_file_body_that_stalls_fails_within_the_read_timeout_and_keeps_its_part()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.Trickle = TimeSpan.FromSeconds(60);
        hub.TrickleChunk = 100_000;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.ReadTimeout = TimeSpan.FromSeconds(1);
        options.MinimumBytesPerSecond = 0;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options).WaitAsync(s_patience));

        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.True(error.Message.Contains($"the download of {HubFixture.DataFile} stalled", StringComparison.OrdinalIgnoreCase), error.Message);
        string partial = Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs", FakeHub.Sha256(hub.Files[HubFixture.DataFile]) + ".incomplete");
        Assert.Equal(100_000, new FileInfo(partial).Length);
    }

    [Fact]
    public void Transfer_limits_are_validated_and_named()
    {
        var options = new HubDownloadOptions();
        Assert.Equal(TimeSpan.FromMinutes(1), options.ReadTimeout);
        Assert.Equal(1024, options.MinimumBytesPerSecond);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MinimumSpeedWindow);
        Assert.Equal(64L << 20, options.MaxMetadataBytes);

        Assert.Contains("ReadTimeout", Assert.Throws<ArgumentOutOfRangeException>("value", () => options.ReadTimeout = TimeSpan.Zero).Message, StringComparison.Ordinal);
        Assert.Contains("MinimumSpeedWindow", Assert.Throws<ArgumentOutOfRangeException>("value", () => options.MinimumSpeedWindow = TimeSpan.FromDays(2)).Message, StringComparison.Ordinal);
        Assert.Contains("MinimumBytesPerSecond", Assert.Throws<ArgumentOutOfRangeException>("value", () => options.MinimumBytesPerSecond = -1).Message, StringComparison.Ordinal);
        Assert.Contains("MaxMetadataBytes", Assert.Throws<ArgumentOutOfRangeException>("value", () => options.MaxMetadataBytes = 10).Message, StringComparison.Ordinal);
    }
}
