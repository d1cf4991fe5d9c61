using SkEmbeddingGemma.TestSupport;
namespace SkEmbeddingGemma.Hub.Tests;

public sealed class DownloadTests
{
    [Fact]
    public async Task Download_writes_the_huggingface_hub_layout()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));

        string repo = HubFixture.RepoFolder(cache.Path);
        Assert.Equal(Path.Combine(repo, "snapshots", FakeHub.Commit), folder);
        Assert.Equal(FakeHub.Commit, File.ReadAllText(Path.Combine(repo, "refs", "main")));
        foreach (string file in HubFixture.ModelFiles)
        {
            string link = Path.Combine(folder, file.Replace('/', Path.DirectorySeparatorChar));
            string etag = FakeHub.Etag(file, hub.Files[file]);
            string depth = string.Concat(Enumerable.Repeat("../", file.Count(c => c == '/') + 2));
            Assert.Equal($"{depth}blobs/{etag}".Replace('/', Path.DirectorySeparatorChar), new FileInfo(link).LinkTarget);
            Assert.Equal(hub.Files[file], File.ReadAllBytes(link));
            Assert.Equal(hub.Files[file], File.ReadAllBytes(Path.Combine(repo, "blobs", etag)));
        }

        // Only the chosen variant: no other graph, no README; nothing left half-written.
        Assert.Equal(
            HubFixture.ModelFiles.Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.Equal(HubFixture.ModelFiles.Length, Directory.GetFiles(Path.Combine(repo, "blobs")).Length);
        Assert.True(Directory.Exists(Path.Combine(cache.Path, ".locks", "models--test-org--tiny-model")));
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("model_quantized", StringComparison.Ordinal) || r.Path.Contains("README", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lfs_files_come_from_the_redirect_and_the_token_stays_on_the_hub()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.RequiredToken = "hf_secret_token_123";
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Token = hub.RequiredToken;

        await HubFixture.DownloadAsync(options);

        Assert.All(hub.Requests.Where(r => r.Server == "hub"), r => Assert.Equal("Bearer hf_secret_token_123", r.Authorization));
        RecordedRequest[] cdn = hub.Requests.Where(r => r.Server == "cdn").ToArray();
        Assert.Equal(4, cdn.Length);
        Assert.All(cdn, r => Assert.Null(r.Authorization));
        Assert.All(cdn, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task Second_call_with_a_commit_hash_makes_no_request()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Revision = FakeHub.Commit;
        string first = await HubFixture.DownloadAsync(options);
        Assert.False(File.Exists(Path.Combine(HubFixture.RepoFolder(cache.Path), "refs", FakeHub.Commit)));
        int before = hub.Requests.Count;

        string second = await HubFixture.DownloadAsync(options);

        Assert.Equal(first, second);
        Assert.Equal(before, hub.Requests.Count);
    }

    [Fact]
    public async Task Second_call_on_a_branch_costs_one_metadata_call_and_none_offline()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string first = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
        hub.Requests.Clear();

        string second = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
        RecordedRequest only = Assert.Single(hub.Requests);
        Assert.Equal($"/api/models/{FakeHub.Repository}/revision/main", only.Path);

        HubDownloadOptions offline = HubFixture.Options(hub, cache.Path);
        offline.Offline = true;
        string third = await HubFixture.DownloadAsync(offline);

        Assert.Single(hub.Requests);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
    }

    [Fact]
    public async Task Without_update_checks_a_cached_branch_costs_no_request_and_an_incomplete_one_is_completed()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        HubDownloadOptions pinned = HubFixture.Options(hub, cache.Path);
        pinned.CheckForUpdates = false;
        hub.DropAfter[HubFixture.DataFile] = 1_000;
        await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(pinned));

        // The ref is written but the snapshot lacks its graph: that is not a cache hit, so the download goes on.
        string first = await HubFixture.DownloadAsync(pinned);
        hub.Requests.Clear();
        string second = await HubFixture.DownloadAsync(pinned);

        Assert.Equal(first, second);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task A_cache_written_by_huggingface_hub_is_reused_without_requests()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        // What `hf download` leaves: blobs named by ETag, relative links in the snapshot, refs/main.
        string repo = HubFixture.RepoFolder(cache.Path);
        string snapshot = Path.Combine(repo, "snapshots", FakeHub.Commit);
        foreach (string file in HubFixture.ModelFiles)
        {
            string etag = FakeHub.Etag(file, hub.Files[file]);
            Directory.CreateDirectory(Path.Combine(repo, "blobs"));
            File.WriteAllBytes(Path.Combine(repo, "blobs", etag), hub.Files[file]);
            string link = Path.Combine(snapshot, file);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, Path.Combine(repo, "blobs", etag)));
        }

        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), FakeHub.Commit);
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Offline = true;

        Assert.Equal(snapshot, await HubFixture.DownloadAsync(options));
        options.Offline = false;
        options.Revision = FakeHub.Commit;
        Assert.Equal(snapshot, await HubFixture.DownloadAsync(options));
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task A_missing_blob_link_is_repaired_and_an_existing_blob_is_not_fetched_again()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
        File.Delete(Path.Combine(folder, "config.json"));
        hub.Requests.Clear();

        await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));

        Assert.Equal(hub.Files["config.json"], File.ReadAllBytes(Path.Combine(folder, "config.json")));
        Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && r.Path.Contains("resolve", StringComparison.Ordinal));
        Assert.Contains(hub.Requests, r => r.Method == "HEAD" && r.Path.EndsWith("/config.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_variant_fetches_only_its_graph()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.Variant = "model_quantized.onnx";

        string folder = await HubFixture.DownloadAsync(options);

        Assert.True(File.Exists(Path.Combine(folder, "onnx", "model_quantized.onnx")));
        Assert.False(File.Exists(Path.Combine(folder, "onnx", "model.onnx_data")));
        Assert.False(File.Exists(Path.Combine(folder, "onnx", "model.onnx")));
    }

    [Fact]
    public async Task Progress_reports_each_file_up_to_its_size()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        var reports = new List<HubDownloadProgress>();

        await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path), new SyncProgress(reports.Add));

        foreach (string file in HubFixture.ModelFiles)
        {
            HubDownloadProgress last = reports.Last(r => r.FileName == file);
            Assert.Equal(hub.Files[file].Length, last.BytesDownloaded);
            Assert.Equal(hub.Files[file].Length, last.TotalBytes);
        }

        Assert.True(reports.Count(r => r.FileName == "onnx/model.onnx_data") >= 3);
        Assert.Equal("onnx/model.onnx", reports[^1].FileName);
    }

    [Fact]
    public async Task Concurrent_downloads_share_the_cache_and_fetch_each_blob_once()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.Trickle = TimeSpan.FromMilliseconds(1);

        string[] folders = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)))));

        Assert.All(folders, f => Assert.Equal(folders[0], f));
        foreach (string file in HubFixture.ModelFiles)
        {
            Assert.Single(hub.FileGets(file));
            Assert.Equal(hub.Files[file], File.ReadAllBytes(Path.Combine(folders[0], file)));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(HubFixture.RepoFolder(cache.Path), "blobs"), "*.incomplete"));
    }

    [Fact]
    public async Task A_download_waits_for_the_lock_another_process_holds()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string locks = Path.Combine(cache.Path, ".locks", "models--test-org--tiny-model");
        Directory.CreateDirectory(locks);
        string lockPath = Path.Combine(locks, FakeHub.Sha256(hub.Files["onnx/model.onnx_data"]) + ".lock");

        // Where Python's filelock locks the same blob: FileShare.None is an exclusive flock on Unix.
        Task<string> download;
        using (var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            download = HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));
            await Task.Delay(1000);
            Assert.False(download.IsCompleted);
            Assert.Empty(hub.FileGets("onnx/model.onnx_data"));
        }

        string folder = await download;
        Assert.Equal(hub.Files["onnx/model.onnx_data"], File.ReadAllBytes(Path.Combine(folder, "onnx", "model.onnx_data")));
    }

    [Fact]
    public async Task A_caller_supplied_client_is_used_and_must_leave_redirects_to_the_downloader()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        using var manual = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);
        options.HttpClient = manual;
        Assert.True(Directory.Exists(await HubFixture.DownloadAsync(options)));

        using var following = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        using var other = new TempFolder();
        HubDownloadOptions wrong = HubFixture.Options(hub, other.Path);
        wrong.HttpClient = following;
        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(wrong));
        Assert.Equal(HubErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("AllowAutoRedirect", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reports on the calling thread, in order (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SyncProgress(Action<HubDownloadProgress> report) : IProgress<HubDownloadProgress>
    {
        public void Report(HubDownloadProgress value) => report(value);
    }
}
