using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Extensions.Tests.Server;

/// <summary>
/// The sample server's configuration errors: as a real process (<c>dotnet EmbeddingServer.dll</c>), a bad setting stops
/// the start with one line on stderr naming it; one that only the model can reveal, found at the first request, is
/// answered as the server's fault (503 naming the setting), never the client's.
/// </summary>
public sealed class EmbeddingServerStartupTests
{
    [Fact]
    public async Task A_missing_model_folder_stops_the_process_with_one_line_naming_ModelPath()
    {
        ServerRun run = await RunServerAsync(["--EmbeddingGemma:ModelPath", "/no/such/model"]);

        AssertOneLineFailure(run, "EmbeddingGemma:ModelPath '/no/such/model' is not an existing folder");
    }

    [Fact]
    public async Task An_unknown_DefaultPromptName_stops_the_process_naming_the_setting_and_the_models_prompts()
    {
        ServerRun run = await RunServerAsync(["--EmbeddingGemma:ModelPath", TinyModel.Directory, "--EmbeddingGemma:DefaultPromptName", "nope"]);

        AssertOneLineFailure(run, "EmbeddingGemma:DefaultPromptName 'nope' is not a prompt of the model at EmbeddingGemma:ModelPath");
        Assert.Contains("its prompts are ", run.Errors, StringComparison.Ordinal);
        Assert.Contains(", document, query.", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_EagerLoad_a_setting_the_model_refuses_stops_the_process_naming_it()
    {
        // Settings through the environment this time, as a container would pass them.
        ServerRun run = await RunServerAsync([], new()
        {
            ["EmbeddingGemma__ModelPath"] = TinyModel.Directory,
            ["EmbeddingGemma__EagerLoad"] = "true",
            ["EmbeddingGemma__Dimensions"] = "100",
        });

        AssertOneLineFailure(run, "EmbeddingGemma settings do not fit the model at EmbeddingGemma:ModelPath");
        Assert.Contains($"Dimensions 100 is outside 1..{TinyModel.Dimensions}", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DefaultPromptName_only_the_located_model_can_refuse_is_a_503_naming_the_setting_not_a_422()
    {
        // A locator hides the folder until the first request, so the start cannot check the prompt.
        await using WebApplication app = await EmbeddingServerFixture.StartAsync(
            new Dictionary<string, string?> { ["EmbeddingGemma:DefaultPromptName"] = "nope" },
            builder => builder.Services.Configure<EmbeddingGemmaServiceOptions>(o => o.ModelLocator = (_, _) => Task.FromResult(TinyModel.Directory)));
        using var http = new HttpClient { BaseAddress = EmbeddingServerFixture.AddressOf(app) };

        await AssertModelUnavailableAsync(http, "EmbeddingGemma:DefaultPromptName 'nope' is not a prompt of the model at '");
        await app.StopAsync();
    }

    [Fact]
    public async Task Dimensions_above_the_models_width_are_a_503_and_an_unhealthy_report_without_parameter_names()
    {
        await using WebApplication app = await EmbeddingServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["EmbeddingGemma:ModelPath"] = TinyModel.Directory,
            ["EmbeddingGemma:Dimensions"] = "100",
        });
        using var http = new HttpClient { BaseAddress = EmbeddingServerFixture.AddressOf(app) };

        await AssertModelUnavailableAsync(http, $"EmbeddingGemma settings do not fit the model at EmbeddingGemma:ModelPath '{TinyModel.Directory}': Dimensions 100 is outside 1..{TinyModel.Dimensions}");
        await app.StopAsync();
    }

    /// <summary>Every endpoint answers 503 model_unavailable with <paramref name="message"/>, and /health says the same, unhealthy.</summary>
    private static async Task AssertModelUnavailableAsync(HttpClient http, string message)
    {
        using HttpResponseMessage openAi = await http.PostAsJsonAsync("/v1/embeddings", new { input = "text" });
        using HttpResponseMessage tei = await http.PostAsJsonAsync("/embed", new { inputs = "text" });
        using HttpResponseMessage tokenize = await http.PostAsJsonAsync("/tokenize", new { inputs = "text" });

        foreach (HttpResponseMessage response in new[] { openAi, tei, tokenize })
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
            JsonElement root = JsonDocument.Parse(body).RootElement;
            (string text, string type) = root.GetProperty("error").ValueKind == JsonValueKind.Object
                ? (root.GetProperty("error").GetProperty("message").GetString()!, root.GetProperty("error").GetProperty("type").GetString()!)
                : (root.GetProperty("error").GetString()!, root.GetProperty("error_type").GetString()!);
            Assert.StartsWith(message, text, StringComparison.Ordinal);
            Assert.Equal("model_unavailable", type);
            Assert.DoesNotContain("(Parameter", text, StringComparison.Ordinal);
        }

        using HttpResponseMessage health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        JsonElement check = (await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks")[0];
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        string description = check.GetProperty("description").GetString()!;
        Assert.StartsWith("EmbeddingGemma failed to load: " + message, description, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", description, StringComparison.Ordinal);
    }

    /// <summary>Exit code 1 (not the runtime's abort), one stderr line naming the problem, no stack trace anywhere.</summary>
    private static void AssertOneLineFailure(ServerRun run, string message)
    {
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\nstderr: {run.Errors}\nstdout: {run.Output}");
        string line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("EmbeddingServer could not start: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Errors + run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors + run.Output, StringComparison.Ordinal);
    }

    private sealed record ServerRun(int ExitCode, string Output, string Errors);

    /// <summary>Runs <c>dotnet EmbeddingServer.dll</c> from an empty folder (no appsettings.json) on a free loopback port.</summary>
    private static async Task<ServerRun> RunServerAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        string server = Path.Combine(AppContext.BaseDirectory, "EmbeddingServer.dll");
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.Path };
        foreach (string arg in (string[])[server, .. args, "--urls", "http://127.0.0.1:0"])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("EmbeddingGemma", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        (int exitCode, string output, string errors) = await ChildProcess.RunAsync(
            start, TimeSpan.FromMinutes(2), "The server did not stop within 2 minutes: a bad setting should stop its start.");
        return new ServerRun(exitCode, output, errors);
    }
}
