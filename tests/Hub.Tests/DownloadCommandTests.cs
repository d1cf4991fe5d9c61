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

    [Theory]
    [InlineData("hf_env_token\n")]
    [InlineData("hf_env_\r\ntoken")]
    [InlineData("  hf_env_token\r\n")]
    public async Task A_token_with_line_breaks_is_cleaned_as_huggingface_hub_cleans_it(string token)
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.RequiredToken = "hf_env_token";

        (int exit, string output, string errors) = await RunAsync(hub, token, ["download", "--repo", FakeHub.Repository, "--cache", cache.Path]);

        Assert.True(exit == 0, errors);
        Assert.Equal(Path.Combine(HubFixture.RepoFolder(cache.Path), "snapshots", FakeHub.Commit), output.Trim());
        Assert.All(hub.Requests.Where(r => r.Server == "hub"), r => Assert.Equal("Bearer hf_env_token", r.Authorization));
    }

    [Theory]
    [InlineData("hf_secret_t\u00f6ken", "non-ASCII", 12)]
    [InlineData("hf_secret_\ttoken", "control", 11)]
    [InlineData("hf_secret_\u007ftoken", "control", 11)]
    public async Task A_token_that_cannot_be_sent_is_refused_naming_HF_TOKEN_and_never_showing_it(string token, string kind, int position)
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        (int exit, string output, string errors) = await RunAsync(hub, token, ["download", "--repo", FakeHub.Repository, "--cache", cache.Path]);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith($"embeddinggemma: error: HF_TOKEN holds a {kind} character (at position {position} of {token.Length})", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("reach", errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task Allow_unverified_is_the_only_way_past_a_hub_without_hashes()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.OpaqueEtags = true;
        hub.ListingMetadata = false;
        string[] download = ["download", "--repo", FakeHub.Repository, "--cache", cache.Path];

        (int refused, string nothing, string why) = await RunAsync(hub, null, download);
        (int exit, string output, string errors) = await RunAsync(hub, null, [.. download, "--allow-unverified"]);

        Assert.Equal(1, refused);
        Assert.Empty(nothing);
        Assert.StartsWith($"embeddinggemma: error: {hub.Endpoint} gave no checksum for config.json", why, StringComparison.Ordinal);
        Assert.Contains("--allow-unverified", why, StringComparison.Ordinal);
        Assert.True(exit == 0, errors);
        string folder = output.Trim();
        Assert.Equal(hub.Files[HubFixture.DataFile], File.ReadAllBytes(Path.Combine(folder, HubFixture.DataFile)));
    }

    /// <summary>Runs the CLI in this process against <paramref name="hub"/>, with HF_TOKEN set (or unset) and the console captured.</summary>
    private static async Task<(int Exit, string Output, string Errors)> RunAsync(FakeHub hub, string? token, string[] args)
    {
        string[] names = ["HF_ENDPOINT", "HF_HUB_OFFLINE", "HF_TOKEN", "HF_TOKEN_PATH"];
        Dictionary<string, string?> saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
        using var output = new StringWriter();
        using var errors = new StringWriter();
        using var noTokenFile = new TempFolder();
        try
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
            Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
            Environment.SetEnvironmentVariable("HF_TOKEN", token);
            Environment.SetEnvironmentVariable("HF_TOKEN_PATH", Path.Combine(noTokenFile.Path, "token"));
            Console.SetOut(output);
            Console.SetError(errors);
            int exit = await new RootCommand { DownloadCommand.Create() }.Parse(args).InvokeAsync();
            return (exit, output.ToString(), errors.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            foreach ((string name, string? value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
