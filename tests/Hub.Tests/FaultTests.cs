using SkEmbeddingGemma.TestSupport;
using System.Net;

namespace SkEmbeddingGemma.Hub.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task A_dropped_connection_keeps_the_part_and_the_next_call_fetches_only_the_rest()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.DropAfter[HubFixture.DataFile] = 1_000_000;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.Contains("run again to resume", error.Message, StringComparison.Ordinal);
        string blobs = Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs");
        string partial = Path.Combine(blobs, FakeHub.Sha256(hub.Files[HubFixture.DataFile]) + ".incomplete");
        long kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 1, 1_000_000);
        Assert.False(File.Exists(Path.Combine(HubFixture.RepoFolder(cache.Path), "snapshots", FakeHub.Commit, "onnx", "model.onnx")));

        // Interrupted, the snapshot is not complete: offline refuses it rather than hand out a broken folder.
        HubDownloadOptions offline = HubFixture.Options(hub, cache.Path);
        offline.Offline = true;
        Assert.Equal(HubErrorKind.Offline, (await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(offline))).Kind);

        hub.Requests.Clear();
        string folder = await HubFixture.DownloadAsync(options);

        RecordedRequest resumed = Assert.Single(hub.FileGets(HubFixture.DataFile));
        Assert.Equal($"bytes={kept}-", resumed.Range);
        Assert.Equal(hub.Files[HubFixture.DataFile], File.ReadAllBytes(Path.Combine(folder, HubFixture.DataFile)));
        Assert.False(File.Exists(partial));
        Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && r.Path.EndsWith("config.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_checksum_deletes_the_part_and_says_so()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.Corrupt[HubFixture.DataFile] = true;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Corrupt, error.Kind);
        Assert.Contains(HubFixture.DataFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", error.Message, StringComparison.Ordinal);
        string blobs = Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs");
        Assert.Empty(Directory.GetFiles(blobs, FakeHub.Sha256(hub.Files[HubFixture.DataFile]) + "*"));

        hub.Corrupt.Clear();
        string folder = await HubFixture.DownloadAsync(options);
        Assert.Equal(hub.Files[HubFixture.DataFile], File.ReadAllBytes(Path.Combine(folder, HubFixture.DataFile)));
    }

    [Fact]
    public async Task A_corrupt_regular_file_fails_its_git_hash()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.Corrupt["config.json"] = true;

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.Corrupt, error.Kind);
        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_says_to_accept_the_licence_and_set_HF_TOKEN()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.RequiredToken = "hf_right_token";

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.Unauthorized, error.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("HF_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("licence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_names_the_gate_and_never_the_token()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.RequiredToken = "hf_right_token";
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Token = "hf_wrong_secret_4242";
        var reports = new List<HubDownloadProgress>();

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options, new Progress<HubDownloadProgress>(reports.Add)));

        Assert.Equal(HubErrorKind.Forbidden, error.Kind);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("accept the licence", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_wrong_secret_4242", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(reports);
    }

    [Fact]
    public async Task The_token_is_not_in_network_errors_either()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.DropAfter[HubFixture.DataFile] = 1000;
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Token = "hf_secret_in_flight_77";

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.DoesNotContain("hf_secret_in_flight_77", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_tells_repository_revision_and_variant_apart()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        HubDownloadOptions repo = HubFixture.Options(hub, cache.Path);
        repo.Repository = "test-org/missing";
        HubDownloadException repoError = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(repo));
        Assert.Equal(HubErrorKind.NotFound, repoError.Kind);
        Assert.Contains("repository test-org/missing does not exist", repoError.Message, StringComparison.Ordinal);

        HubDownloadOptions revision = HubFixture.Options(hub, cache.Path);
        revision.Revision = "v9";
        HubDownloadException revisionError = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(revision));
        Assert.Equal(HubErrorKind.NotFound, revisionError.Kind);
        Assert.Contains("revision 'v9' does not exist", revisionError.Message, StringComparison.Ordinal);

        HubDownloadOptions variant = HubFixture.Options(hub, cache.Path);
        variant.Variant = "model_q4";
        HubDownloadException variantError = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(variant));
        Assert.Equal(HubErrorKind.NotFound, variantError.Kind);
        Assert.Contains("no 'model_q4' variant", variantError.Message, StringComparison.Ordinal);
        Assert.Contains("model_quantized", variantError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_missing_on_the_hub_is_not_found()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        // Listed but gone from resolve/: the Hub's EntryNotFound.
        hub.ExtraListing.Add("tokenizer.model");

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.NotFound, error.Kind);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("tokenizer.model does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_download_is_cancelled_and_resumes_later()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.Trickle = TimeSpan.FromMilliseconds(20);
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HubFixture.DownloadAsync(options, cancellationToken: cancellation.Token));

        string[] partials = Directory.GetFiles(Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs"), "*.incomplete");
        long kept = new FileInfo(Assert.Single(partials)).Length;
        Assert.True(kept > 0);

        hub.Trickle = null;
        hub.Requests.Clear();
        string folder = await HubFixture.DownloadAsync(options);

        Assert.Contains(hub.Requests, r => r.Range == $"bytes={kept}-");
        foreach (string file in HubFixture.ModelFiles)
        {
            Assert.Equal(hub.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
        }
    }

    [Fact]
    public async Task Offline_with_an_empty_cache_says_how_to_get_the_model()
    {
        using var cache = new TempFolder();
        var options = new HubDownloadOptions { CacheDirectory = cache.Path, Offline = true, Endpoint = "http://127.0.0.1:9" };

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));

        Assert.Equal(HubErrorKind.Offline, error.Kind);
        Assert.Contains(HuggingFaceHub.DefaultRepository, error.Message, StringComparison.Ordinal);
        Assert.Contains("embeddinggemma download", error.Message, StringComparison.Ordinal);
        Assert.Contains("local model folder", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
    }

    [Fact]
    public async Task An_unreachable_hub_is_a_network_error_but_a_cached_revision_still_serves()
    {
        using var cache = new TempFolder();
        string endpoint;
        string folder;
        await using (FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel()))
        {
            endpoint = hub.Endpoint;
            folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
        }

        var options = new HubDownloadOptions { Repository = FakeHub.Repository, Endpoint = endpoint, CacheDirectory = cache.Path, Offline = false };
        Assert.Equal(folder, await HubFixture.DownloadAsync(options));

        using var empty = new TempFolder();
        options.CacheDirectory = empty.Path;
        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(options));
        Assert.Equal(HubErrorKind.Network, error.Kind);
    }
}
