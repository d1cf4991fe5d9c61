using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Rag;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>samples/Rag as a real process (<c>dotnet Rag.dll</c>), as a user runs it.</summary>
public sealed class RagProcessTests
{
    [Fact]
    public async Task An_unreachable_chat_endpoint_is_one_line_naming_it_and_the_cause_and_exit_1()
    {
        using var temp = new TempFolder();
        string docs = Directory.CreateDirectory(Path.Combine(temp.Path, "docs")).FullName;
        File.WriteAllText(Path.Combine(docs, "mars.md"), "Mars is called the red planet.");
        int port = ClosedPort();
        string endpoint = $"http://127.0.0.1:{port}/v1";

        (int exitCode, string output, string errors) = await RunRagAsync(
            ["--docs", docs, "--db", Path.Combine(temp.Path, "rag.db"), "--model", TinyModel.Directory, "-q", "Which planet is red?",
                "--chat-endpoint", endpoint, "--chat-model", "local-model"]);

        Assert.True(exitCode == 1, $"exit {exitCode}\nstderr: {errors}");
        string line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"error: The chat endpoint {endpoint} (model local-model) did not answer: Connection refused (127.0.0.1:{port})", line);
        Assert.DoesNotContain("   at ", errors + output, StringComparison.Ordinal);

        // The retrieval before the chat call still ran and printed its passages.
        Assert.Contains("Indexed 1 chunks from 1 files", output, StringComparison.Ordinal);
        Assert.Contains("mars.md: Mars is called the red planet.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_EmbeddingGemma_2_Hub_repository_is_one_setting_and_ranks_exactly_as_its_folder()
    {
        const string Repository = "onnx-community/embeddinggemma-2-ONNX";
        using var temp = new TempFolder();
        string docs = Directory.CreateDirectory(Path.Combine(temp.Path, "docs")).FullName;
        File.WriteAllText(Path.Combine(docs, "mars.md"), "Mars is called the red planet.");
        File.WriteAllText(Path.Combine(docs, "paris.txt"), "Paris is the capital of France.");
        string home = CacheHolding(Path.Combine(temp.Path, "hf"), Repository, TinyModel.EmbeddingGemma2Directory);
        // Offline: the run must find the repository in the huggingface_hub cache under HF_HOME, with no Hub to ask.
        var hub = new Dictionary<string, string?> { ["HF_HOME"] = home, ["HF_HUB_OFFLINE"] = "1" };
        string[] common = ["--docs", docs, "-q", "Which planet is red?", "--top", "2"];

        var fromFlag = await RunRagAsync([.. common, "--db", Path.Combine(temp.Path, "flag.db"), "--repo", Repository], hub);
        var fromVariable = await RunRagAsync(
            [.. common, "--db", Path.Combine(temp.Path, "variable.db")], new(hub) { [RagApp.RepositoryVariable] = Repository });
        var fromFolder = await RunRagAsync([.. common, "--db", Path.Combine(temp.Path, "folder.db"), "--model", TinyModel.EmbeddingGemma2Directory]);
        var elsewhere = await RunRagAsync(
            [.. common, "--db", Path.Combine(temp.Path, "missing.db"), "--repo", "onnx-community/not-cached-ONNX"], hub);

        Assert.True(fromFlag.ExitCode == 0, fromFlag.Errors);
        Assert.Contains("Indexed 2 chunks from 2 files", fromFlag.Output, StringComparison.Ordinal);
        Assert.Equal((0, fromFolder.Output.Replace("folder.db", "flag.db", StringComparison.Ordinal)), (fromFlag.ExitCode, fromFlag.Output));
        Assert.Equal((0, fromFlag.Output.Replace("flag.db", "variable.db", StringComparison.Ordinal)), (fromVariable.ExitCode, fromVariable.Output));

        // A repository the cache lacks, offline: one line naming it, exit 1.
        Assert.Equal(1, elsewhere.ExitCode);
        string line = Assert.Single(elsewhere.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: Offline mode is on", line, StringComparison.Ordinal);
        Assert.Contains("onnx-community/not-cached-ONNX", line, StringComparison.Ordinal);
    }

    /// <summary>
    /// A huggingface_hub cache (<c>HF_HOME/hub</c>) holding <paramref name="folder"/> as <paramref name="repository"/> at
    /// <c>main</c>, laid out as huggingface_hub writes it (<c>refs/main</c> naming a commit, <c>snapshots/&lt;commit&gt;/</c>).
    /// </summary>
    private static string CacheHolding(string home, string repository, string folder)
    {
        const string Commit = "0123456789abcdef0123456789abcdef01234567";
        string repo = Path.Combine(home, "hub", "models--" + repository.Replace("/", "--", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), Commit);
        string snapshot = Path.Combine(repo, "snapshots", Commit);
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(snapshot, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return home;
    }

    /// <summary>A loopback port nothing listens on: one the system just handed out and that was closed again.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunRagAsync(string[] args, Dictionary<string, string?>? environment = null)
    {
        string rag = typeof(RagProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Rag").Value!;
        Assert.True(File.Exists(rag), rag);
        var start = new ProcessStartInfo("dotnet");
        foreach (string arg in (string[])[rag, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in new[] { RagApp.ModelVariable, RagApp.RepositoryVariable, RagApp.BaseUrlVariable, RagApp.ApiKeyVariable, RagApp.ChatModelVariable,
            "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_HUB_OFFLINE", "XDG_CACHE_HOME" })
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string? value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        return await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(2), "Rag did not finish within 2 minutes.");
    }
}
