using SkEmbeddingGemma.TestSupport;
namespace SkEmbeddingGemma.Hub.Tests;

public sealed class EnvironmentTests
{
    [Fact]
    public void Defaults_follow_huggingface_hub()
    {
        Func<string, string?> none = _ => null;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal("https://huggingface.co", HubEnvironment.Endpoint(none));
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), HubEnvironment.CacheDirectory(none));
        Assert.False(HubEnvironment.Offline(none));
    }

    [Fact]
    public void Variables_override_the_defaults()
    {
        var variables = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = "http://127.0.0.1:5000/",
            ["HF_HOME"] = "/data/hf",
            ["HF_HUB_OFFLINE"] = "1",
            ["HF_TOKEN"] = " hf_abc ",
        };
        Func<string, string?> environment = name => variables.GetValueOrDefault(name);

        Assert.Equal("http://127.0.0.1:5000", HubEnvironment.Endpoint(environment));
        Assert.Equal(Path.Combine("/data/hf", "hub"), HubEnvironment.CacheDirectory(environment));
        Assert.True(HubEnvironment.Offline(environment));
        Assert.Equal("hf_abc", HubEnvironment.Token(environment));

        variables["HF_HUB_CACHE"] = "/elsewhere";
        variables["HF_HUB_OFFLINE"] = "0";
        Assert.Equal("/elsewhere", HubEnvironment.CacheDirectory(environment));
        Assert.False(HubEnvironment.Offline(environment));
    }

    [Fact]
    public void The_token_file_from_hf_auth_login_is_read()
    {
        using var home = new TempFolder();
        File.WriteAllText(Path.Combine(home.Path, "token"), "hf_from_file\n");
        Func<string, string?> environment = name => name == "HF_HOME" ? home.Path : null;

        Assert.Equal("hf_from_file", HubEnvironment.Token(environment));
        Assert.Null(HubEnvironment.Token(name => name == "HF_HOME" ? Path.Combine(home.Path, "missing") : null));
    }

    [Fact]
    public async Task Options_left_unset_come_from_the_environment()
    {
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        hub.RequiredToken = "hf_env_token";
        var variables = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = hub.Endpoint,
            ["HF_HUB_CACHE"] = cache.Path,
            ["HF_TOKEN"] = "hf_env_token",
        };

        string folder = await HuggingFaceHub.DownloadModelAsync(
            new HubDownloadOptions { Repository = FakeHub.Repository }, name => variables.GetValueOrDefault(name), null, CancellationToken.None);

        Assert.StartsWith(cache.Path, folder, StringComparison.Ordinal);
        variables["HF_HUB_OFFLINE"] = "true";
        variables.Remove("HF_ENDPOINT");
        hub.Requests.Clear();
        Assert.Equal(folder, await HuggingFaceHub.DownloadModelAsync(
            new HubDownloadOptions { Repository = FakeHub.Repository }, name => variables.GetValueOrDefault(name), null, CancellationToken.None));
        Assert.Empty(hub.Requests);
    }
}
