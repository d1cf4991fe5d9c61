using System.Diagnostics;
using System.Reflection;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>samples/EmbeddingServer, the thin MapEmbeddingGemma() app, as a process.</summary>
public sealed class SampleTests
{
    private static readonly string s_sample = Path.GetFullPath(typeof(SampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Sample").Value!);

    [Fact]
    public async Task A_bad_setting_stops_the_sample_with_one_line_naming_it()
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.Path };
        foreach (string arg in (string[])[s_sample, "--EmbeddingGemma:ModelPath", TinyModel.Directory, "--EmbeddingGemmaServer:ModelName", "a:b", "--urls", "http://127.0.0.1:0"])
        {
            start.ArgumentList.Add(arg);
        }

        (int code, string output, string errors) = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(2), "The sample did not stop on a bad setting.");

        Assert.True(code == 1, $"exit {code}\n{errors}\n{output}");
        string line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("EmbeddingServer could not start: EmbeddingGemmaServer:ModelName 'a:b' must be a non-empty name without ':'", line, StringComparison.Ordinal);
    }
}
