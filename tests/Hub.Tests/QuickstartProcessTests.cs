using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>
/// samples/Quickstart as a fresh process per run, its Hub (HF_ENDPOINT) the fake one serving the tiny model as
/// onnx-community/embeddinggemma-300m-ONNX, and its cache a temporary HF_HOME: what a new machine sees.
/// </summary>
public sealed class QuickstartProcessTests
{
    [Fact]
    public async Task A_dropped_download_fails_clearly_resumes_on_the_next_run_and_later_runs_make_no_request()
    {
        using var home = new TempFolder();
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();
        hub.DropAfter[HubFixture.DataFile] = 20_000_000;
        var environment = new Dictionary<string, string?> { ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HOME"] = home.Path };

        Run dropped = await RunQuickstartAsync(environment);

        Assert.Equal(1, dropped.ExitCode);
        Assert.Empty(dropped.Output);
        Assert.Contains($"The connection dropped while downloading {HubFixture.DataFile}", dropped.Errors, StringComparison.Ordinal);
        Assert.Contains("run again to resume", dropped.Errors, StringComparison.Ordinal);
        string repo = Path.Combine(home.Path, "hub", "models--onnx-community--embeddinggemma-300m-ONNX");
        string partial = Path.Combine(repo, "blobs", FakeHub.Sha256(hub.Files[HubFixture.DataFile]) + ".incomplete");
        long kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 1, 20_000_000);
        Assert.False(File.Exists(Path.Combine(repo, "snapshots", FakeHub.Commit, "onnx", "model.onnx")));

        hub.Requests.Clear();
        Run resumed = await RunQuickstartAsync(environment);

        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal($"bytes={kept}-", Assert.Single(hub.FileGets(HubFixture.DataFile)).Range);
        Assert.Contains("Downloading EmbeddingGemma from the Hugging Face Hub", resumed.Errors, StringComparison.Ordinal);
        Assert.Contains($"  {HubFixture.DataFile}: 100 %", resumed.Errors, StringComparison.Ordinal);
        Assert.StartsWith("Query: Which planet is known as the Red Planet?   (64 dimensions, onnx-community/embeddinggemma-300m-ONNX)", resumed.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(partial));

        // Second and third processes: the cache alone, online and offline, without a single request.
        hub.Requests.Clear();
        Run cached = await RunQuickstartAsync(environment);
        Run offline = await RunQuickstartAsync(new(environment) { ["HF_HUB_OFFLINE"] = "1" });

        Assert.Empty(hub.Requests);
        Assert.Equal((0, resumed.Output, string.Empty), (cached.ExitCode, cached.Output, cached.Errors));
        Assert.Equal((0, resumed.Output, string.Empty), (offline.ExitCode, offline.Output, offline.Errors));

        // The downloaded model ranks exactly as the folder it was served from.
        Run local = await RunQuickstartAsync(environment, "--model", HubFixture.TinyModelFolder);
        Assert.Equal(0, local.ExitCode);
        Assert.Equal(Scores(local.Output), Scores(resumed.Output));
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task An_EmbeddingGemma_2_repository_is_one_setting_and_ranks_exactly_as_its_folder()
    {
        const string Repository = "onnx-community/embeddinggemma-2-ONNX";
        string folder = TestModels.EnsureTinyEmbeddingGemma2Model();
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);
        using var home = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(files, Repository);
        var environment = new Dictionary<string, string?> { ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HOME"] = home.Path };

        Run fromFlag = await RunQuickstartAsync(environment, "--repo", Repository);
        Run fromVariable = await RunQuickstartAsync(new(environment) { ["EMBEDDINGGEMMA_HUB_REPOSITORY"] = Repository, ["HF_HUB_OFFLINE"] = "1" });
        Run local = await RunQuickstartAsync(environment, "--model", folder);

        Assert.True(fromFlag.ExitCode == 0, fromFlag.Errors);
        Assert.StartsWith($"Query: Which planet is known as the Red Planet?   (768 dimensions, {Repository})", fromFlag.Output, StringComparison.Ordinal);
        Assert.Contains("(256 dimensions", fromFlag.Output, StringComparison.Ordinal);
        Assert.Equal((0, fromFlag.Output), (fromVariable.ExitCode, fromVariable.Output));
        Assert.Equal(0, local.ExitCode);
        Assert.Equal(Scores(local.Output), Scores(fromFlag.Output));
        Assert.True(Directory.Exists(Path.Combine(home.Path, "hub", "models--onnx-community--embeddinggemma-2-ONNX", "snapshots")));
        Assert.False(Directory.Exists(Path.Combine(home.Path, "hub", "models--onnx-community--embeddinggemma-300m-ONNX")));
    }

    [Fact]
    public async Task Without_the_hub_and_without_a_cache_it_says_how_to_get_the_model()
    {
        using var home = new TempFolder();
        await using FakeHub hub = await HubFixture.StartDefaultRepositoryHubAsync();

        Run offline = await RunQuickstartAsync(new() { ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HOME"] = home.Path, ["HF_HUB_OFFLINE"] = "1" });
        Run unreachable = await RunQuickstartAsync(new() { ["HF_ENDPOINT"] = $"http://127.0.0.1:{ClosedPort()}", ["HF_HOME"] = home.Path });

        Assert.Empty(hub.Requests);
        Assert.Contains("Offline mode is on", offline.Errors, StringComparison.Ordinal);
        Assert.Contains("Could not reach http://127.0.0.1:", unreachable.Errors, StringComparison.Ordinal);
        foreach (Run run in new[] { offline, unreachable })
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Empty(run.Output);
            Assert.Contains("embeddinggemma download", run.Errors, StringComparison.Ordinal);
            Assert.Contains("HF_ENDPOINT=", run.Errors, StringComparison.Ordinal);
            Assert.Contains("--model DIR", run.Errors, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(home.Path, "hub", "models--onnx-community--embeddinggemma-300m-ONNX", "snapshots")));
    }

    private sealed record Run(int ExitCode, string Output, string Errors);

    /// <summary>Runs the Quickstart with only the given HF_* variables (and no model path) in its environment.</summary>
    private static async Task<Run> RunQuickstartAsync(Dictionary<string, string?> environment, params string[] args)
    {
        string quickstart = typeof(QuickstartProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Quickstart").Value!;
        Assert.True(File.Exists(quickstart), quickstart);
        var start = new ProcessStartInfo("dotnet", [quickstart, .. args]);
        foreach (string name in new[] { "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HUB_OFFLINE", "XDG_CACHE_HOME", "EMBEDDINGGEMMA_MODEL_PATH", "EMBEDDINGGEMMA_HUB_REPOSITORY" })
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string? value) in environment)
        {
            start.Environment[name] = value;
        }

        (int exitCode, string output, string errors) = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(3), "Quickstart did not finish in 3 minutes.");
        return new Run(exitCode, output, errors);
    }

    /// <summary>The score column of the Quickstart's ranking, without the header naming the model.</summary>
    private static string[] Scores(string output) =>
        output.Split('\n').Where(line => line.StartsWith("  ", StringComparison.Ordinal)).ToArray();

    /// <summary>A loopback port nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
