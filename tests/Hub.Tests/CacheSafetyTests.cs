using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>Links planted in the cache (by another user, or a hostile tool) are never written through.</summary>
public sealed class CacheSafetyTests
{
    public static TheoryData<string> PlantedLinks => new()
    {
        "incomplete",
        "blob",
        "refs",
        "blobs",
        "snapshots",
        "locks",
    };

    [Theory]
    [MemberData(nameof(PlantedLinks))]
    public async Task A_link_planted_in_the_cache_is_refused_and_its_target_is_untouched(string where)
    {
        using var cache = new TempFolder();
        using var outside = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());
        string repo = HubFixture.RepoFolder(cache.Path);
        string dataEtag = FakeHub.Sha256(hub.Files[HubFixture.DataFile]);
        string victim = Path.Combine(outside.Path, "victim.txt");
        File.WriteAllText(victim, "precious");
        string link = where switch
        {
            "incomplete" => Path.Combine(repo, "blobs", dataEtag + ".incomplete"),
            "blob" => Path.Combine(repo, "blobs", dataEtag),
            "refs" => Path.Combine(repo, "refs"),
            "blobs" => Path.Combine(repo, "blobs"),
            "snapshots" => Path.Combine(repo, "snapshots"),
            _ => Path.Combine(cache.Path, ".locks", "models--test-org--tiny-model"),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        if (where is "incomplete" or "blob")
        {
            File.CreateSymbolicLink(link, victim);
        }
        else
        {
            Directory.CreateSymbolicLink(link, outside.Path);
        }

        HubDownloadException error = await Assert.ThrowsAsync<HubDownloadException>(() => HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path)));

        Assert.Equal(HubErrorKind.UnsafeCache, error.Kind);
        Assert.Contains(link, error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal(["victim.txt"], Directory.GetFileSystemEntries(outside.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_cache_root_that_is_itself_a_link_is_the_users_choice_and_works()
    {
        using var real = new TempFolder();
        using var parent = new TempFolder();
        string root = Path.Combine(parent.Path, "hub");
        Directory.CreateSymbolicLink(root, real.Path);
        await using FakeHub hub = await FakeHub.StartAsync(HubFixture.SmallModel());

        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, root));

        Assert.Equal(hub.Files[HubFixture.DataFile], File.ReadAllBytes(Path.Combine(folder, HubFixture.DataFile)));
        Assert.True(File.Exists(Path.Combine(HubFixture.RepoFolder(real.Path), "refs", "main")));
    }
}
