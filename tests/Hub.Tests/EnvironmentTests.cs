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

    [Fact]
    public async Task A_token_file_with_a_bad_character_is_named_and_never_shown()
    {
        using var home = new TempFolder();
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string file = Path.Combine(home.Path, "token");
        File.WriteAllText(file, "hf_saved_\u00e9secret\n");
        var variables = new Dictionary<string, string> { ["HF_HOME"] = home.Path };
        HubDownloadOptions options = HubFixture.Options(hub, cache.Path);

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() =>
            HuggingFaceHub.DownloadModelAsync(options, name => variables.GetValueOrDefault(name), null, CancellationToken.None));

        Assert.Equal(HubErrorKind.InvalidToken, error.Kind);
        Assert.Contains($"The token file {file}", error.Message, StringComparison.Ordinal);
        Assert.Contains("non-ASCII character (at position 10 of 16)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public void A_token_option_is_cleaned_and_checked_like_HF_TOKEN()
    {
        Assert.Equal("hf_abc", new HubDownloadOptions { Token = " hf_a\r\nbc\n" }.Token);
        Assert.Null(new HubDownloadOptions { Token = "\n" }.Token);
        ArgumentException error = Assert.Throws<ArgumentException>("value", () => new HubDownloadOptions { Token = "hf_\u00e9secret" });
        Assert.StartsWith("HubDownloadOptions.Token holds a non-ASCII character (at position 4 of 10)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
