using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>The transformers.js install that reference tests share (see <see cref="NodeReference"/>).</summary>
public sealed class NodeReferenceTests
{
    [Fact]
    public async Task Onnxruntime_node_runs_on_cpu_although_its_install_script_was_skipped()
    {
        // ONNXRUNTIME_NODE_INSTALL=skip only skips the CUDA download: the CPU binary ships in the npm package.
        string output = await NodeReference.RunScriptAsync("ort-smoke.mjs");
        using JsonDocument result = JsonDocument.Parse(output);
        Assert.Equal([1f, 2f, 3f], result.RootElement.GetProperty("y").EnumerateArray().Select(static v => v.GetSingle()));
        Assert.Contains(
            result.RootElement.GetProperty("backends").EnumerateArray(),
            static b => b.GetProperty("name").GetString() == "cpu" && b.GetProperty("bundled").GetBoolean());
    }

    [Fact]
    public async Task Missing_scripts_are_reported_by_name()
    {
        FileNotFoundException error = await Assert.ThrowsAsync<FileNotFoundException>(() => NodeReference.RunScriptAsync("no-such-script.mjs"));
        Assert.Contains("no-such-script.mjs", error.Message);
        await Assert.ThrowsAsync<ArgumentNullException>("scriptName", () => NodeReference.RunScriptAsync(null!));
    }

    [Fact]
    public void Cache_lives_under_the_repository_unless_configured()
    {
        string? configured = Environment.GetEnvironmentVariable("SKEG_TEST_ASSETS");
        string expected = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(TestAssets.RepositoryRoot, ".test-assets")
            : Path.GetFullPath(configured);
        Assert.Equal(expected, TestAssets.CacheDirectory);
        Assert.True(File.Exists(Path.Combine(TestAssets.RepositoryRoot, "SkEmbeddingGemma.sln")));
        Assert.True(Directory.Exists(Path.Combine(NodeReference.InstallDirectory, "node_modules", "@huggingface", "transformers")));
    }

    [Fact]
    public void Racing_creators_leave_exactly_one_complete_entry()
    {
        string name = $"race-{Guid.NewGuid():N}";
        string[] results = new string[4];
        Parallel.For(0, results.Length, i => results[i] = TestAssets.GetOrCreateDirectory(name, target =>
        {
            Thread.Sleep(50);
            File.WriteAllText(Path.Combine(target, "payload.txt"), $"writer {i}");
        }));
        try
        {
            Assert.All(results, path => Assert.Equal(Path.Combine(TestAssets.CacheDirectory, name), path));
            Assert.StartsWith("writer ", File.ReadAllText(Path.Combine(results[0], "payload.txt")));
            Assert.Empty(Directory.GetDirectories(TestAssets.CacheDirectory, $".tmp-{name}-*"));
        }
        finally
        {
            Directory.Delete(results[0], recursive: true);
        }
    }
}
