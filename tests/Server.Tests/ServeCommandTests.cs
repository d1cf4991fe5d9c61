using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using SkEmbeddingGemma.AspNetCore.Tests.Support;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary><c>embeddinggemma serve</c> as a process: flags, <c>EMBEDDINGGEMMA_*</c> variables and appsettings.json; bad settings; SIGTERM.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Flags_environment_and_appsettings_all_configure_the_server_and_SIGTERM_stops_it_cleanly()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "appsettings.json"), """{ "EmbeddingGemmaServer": { "MaxClientBatchSize": 3 } }""");
        await using ServeProcess server = await ServeProcess.StartAsync(
            ["--model-id", TinyModel.Directory, "--served-model-name", "gemma"], folder.Path, new Dictionary<string, string> { ["EMBEDDINGGEMMA_API_KEY"] = "k1,k2" });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using HttpResponseMessage anonymous = await http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k2");
        JsonElement models = await http.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("gemma", models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal("gemma:query", models.GetProperty("data").EnumerateArray().Last().GetProperty("id").GetString());
        using HttpResponseMessage four = await http.PostAsJsonAsync("/embed", new { inputs = new[] { "a", "b", "c", "d" } });
        await Json.AssertTeiErrorAsync(four, HttpStatusCode.RequestEntityTooLarge, "limit is 3");

        server.Terminate();
        Assert.Equal(0, await server.ExitCode.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task With_exit_on_stdin_close_the_server_stops_cleanly_when_its_input_closes_and_not_before()
    {
        using var folder = new TempFolder();
        await using ServeProcess server = await ServeProcess.StartAsync(["--model-id", TinyModel.Directory, "--exit-on-stdin-close"], folder.Path);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        await Json.PostOkAsync(http, "/embed", new { inputs = "still serving" });
        Assert.False(server.ExitCode.IsCompleted);

        // The pipe closes as it does when the parent dies, SIGKILL included.
        server.CloseInput();
        Assert.Equal(0, await server.ExitCode.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Each_bad_setting_is_one_line_naming_it_and_the_exit_code_is_1()
    {
        (int code, string output, string errors) = await RunAsync(["--model-id", TinyModel.Directory, "--max-client-batch-size", "0", "--max-concurrent-requests", "-1"]);

        Assert.True(code == 1, $"exit {code}\n{errors}\n{output}");
        string[] lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("embeddinggemma: error: EmbeddingGemmaServer:MaxClientBatchSize is 0; it must be at least 1.", lines);
        Assert.Contains("embeddinggemma: error: EmbeddingGemmaServer:MaxConcurrentRequests is -1; it must be at least 1.", lines);
        Assert.DoesNotContain("   at ", errors + output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model-id", "/no/such/model", "EmbeddingGemma:ModelPath '/no/such/model' is not an existing folder")]
    [InlineData("--default-prompt-name", "nope", "EmbeddingGemma:DefaultPromptName 'nope' is not a prompt of the model at EmbeddingGemma:ModelPath")]
    [InlineData("--port", "http", "--port 'http' is not a port number")]
    public async Task A_bad_model_or_flag_stops_the_start_with_one_line(string flag, string value, string message)
    {
        string[] args = flag == "--model-id" ? [flag, value] : ["--model-id", TinyModel.Directory, flag, value];
        (int code, string output, string errors) = await RunAsync(args);

        Assert.True(code == 1, $"exit {code}\n{errors}\n{output}");
        string line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("embeddinggemma: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", errors + output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string[] args)
    {
        using var folder = new TempFolder();
        string[] withPort = args.Contains("--port") ? args : [.. args, "--port", "0"];
        return await ChildProcess.RunAsync(ServeProcess.StartInfo(withPort, folder.Path), TimeSpan.FromMinutes(2),
            "embeddinggemma serve did not stop within 2 minutes: a bad setting should stop its start.");
    }
}
