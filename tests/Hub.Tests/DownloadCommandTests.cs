using SkEmbeddingGemma.TestSupport;
using System.CommandLine;
using SkEmbeddingGemma.Cli;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>Changes the process's console and HF_ENDPOINT, so it runs alone.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection(nameof(ConsoleCollection))]
public sealed class DownloadCommandTests
{
    [Fact]
    public async Task Download_prints_the_snapshot_folder_on_stdout()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string? endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        string? offline = Environment.GetEnvironmentVariable("HF_HUB_OFFLINE");
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
        using var output = new StringWriter();
        using var errors = new StringWriter();
        try
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
            Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
            Console.SetOut(output);
            Console.SetError(errors);
            var root = new RootCommand { DownloadCommand.Create() };

            int exit = await root.Parse(["download", "--repo", FakeHub.Repository, "--cache", cache.Path]).InvokeAsync();
            int missing = await root.Parse(["download", "--repo", "test-org/missing", "--cache", cache.Path]).InvokeAsync();

            Assert.Equal(0, exit);
            Assert.Equal(Path.Combine(HubFixture.RepoFolder(cache.Path), "snapshots", FakeHub.Commit), output.ToString().Trim());
            Assert.Equal(1, missing);
            Assert.StartsWith("embeddinggemma: error: The repository test-org/missing does not exist", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Environment.SetEnvironmentVariable("HF_ENDPOINT", endpoint);
            Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", offline);
        }
    }
}
