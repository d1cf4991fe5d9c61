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

    /// <summary>A loopback port nothing listens on: one the system just handed out and that was closed again.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunRagAsync(string[] args)
    {
        string rag = typeof(RagProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Rag").Value!;
        Assert.True(File.Exists(rag), rag);
        var start = new ProcessStartInfo("dotnet");
        foreach (string arg in (string[])[rag, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in new[] { RagApp.ModelVariable, RagApp.BaseUrlVariable, RagApp.ApiKeyVariable, RagApp.ChatModelVariable })
        {
            start.Environment.Remove(name);
        }

        return await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(2), "Rag did not finish within 2 minutes.");
    }
}
