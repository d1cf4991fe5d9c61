using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkEmbeddingGemma.AspNetCore;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// <c>embeddinggemma serve</c>: the OpenAI- and TEI-compatible HTTP service of <c>MapEmbeddingGemma()</c>. Each setting
/// comes from its flag, else its <c>EMBEDDINGGEMMA_*</c> variable (the flag's name in upper snake case), else
/// <c>appsettings.json</c> in the working folder and the usual <c>EmbeddingGemma__*</c> / <c>EmbeddingGemmaServer__*</c>
/// variables, else the default.
/// </summary>
internal static class ServeCommand
{
    private static readonly (string Flag, string Key, string Help)[] s_settings =
    [
        ("--model-id", "", "Model folder, or Hugging Face Hub repository to download (default: onnx-community/embeddinggemma-300m-ONNX)."),
        ("--revision", "EmbeddingGemma:HubRevision", "Hub branch, tag or commit of --model-id."),
        ("--variant", "EmbeddingGemma:Variant", "Graph under onnx/: model, model_quantized, model_q4, ..."),
        ("--dimensions", "EmbeddingGemma:Dimensions", "Default Matryoshka width (768, 512, 256, 128)."),
        ("--default-prompt-name", "EmbeddingGemma:DefaultPromptName", "Prompt of requests that name none (default: document)."),
        ("--max-batch-tokens", "EmbeddingGemma:MaxBatchTokens", "Most padded tokens in one model run."),
        ("--max-batch-requests", "EmbeddingGemmaServer:MaxBatchRequests", "Most inputs merged into one batch from concurrent requests."),
        ("--max-concurrent-batches", "EmbeddingGemmaServer:MaxConcurrentBatches", "Most merged batches run at once (default 1: requests wait and merge while a batch runs; 0: no limit)."),
        ("--max-client-batch-size", "EmbeddingGemmaServer:MaxClientBatchSize", "Most inputs in one request (more: 413)."),
        ("--max-concurrent-requests", "EmbeddingGemmaServer:MaxConcurrentRequests", "Most requests served at once (more: 429)."),
        ("--payload-limit", "EmbeddingGemmaServer:MaxRequestBodyBytes", "Largest request body in bytes (more: 413)."),
        ("--served-model-name", "EmbeddingGemmaServer:ModelName", "Model id OpenAI clients name (default: embeddinggemma)."),
        ("--hostname", "", "Address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)."),
        ("--port", "", "Port to listen on (default: 8080)."),
    ];

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("serve", "Serve embeddings over HTTP: OpenAI /v1/embeddings and Text Embeddings Inference routes (/embed, /tokenize, /info, /health, /metrics).");
        var values = s_settings.Select(s => (Setting: s, Option: new Option<string?>(s.Flag) { Description = s.Help })).ToArray();
        var autoTruncate = new Option<bool>("--auto-truncate") { Description = "Truncate over-long inputs (listed in the X-Truncated-Inputs header) instead of answering 413." };
        var apiKeys = new Option<string[]>("--api-key") { Description = "API key clients send as 'Authorization: Bearer KEY'; repeat for several (env: comma-separated).", AllowMultipleArgumentsPerToken = false };
        var jsonOutput = new Option<bool>("--json-output") { Description = "Write logs as JSON lines." };
        var exitWithInput = new Option<bool>("--exit-on-stdin-close")
        {
            Description = "Shut down gracefully when standard input closes: a parent process that dies, even killed, takes the server with it.",
        };
        foreach (var (_, option) in values)
        {
            command.Options.Add(option);
        }

        command.Options.Add(autoTruncate);
        command.Options.Add(apiKeys);
        command.Options.Add(jsonOutput);
        command.Options.Add(exitWithInput);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            string? Value(Option<string?> option, string flag) => parse.GetValue(option) ?? Environment.GetEnvironmentVariable(EnvironmentName(flag));
            foreach (var ((flag, key, _), option) in values)
            {
                if (key.Length > 0 && Value(option, flag) is { } value)
                {
                    settings[key] = value;
                }
            }

            string? model = Value(values[0].Option, "--model-id") ?? Environment.GetEnvironmentVariable(CliModel.EnvironmentVariable);
            if (model is not null)
            {
                // A path (even a missing one, which the start then names) is a folder; anything else is a Hub repository id.
                bool path = Directory.Exists(model) || Path.IsPathRooted(model) || model.StartsWith('.') || model.StartsWith('~') || model.Contains('\\', StringComparison.Ordinal);
                settings[path ? "EmbeddingGemma:ModelPath" : "EmbeddingGemma:HubRepository"] = model;
            }

            if (parse.GetValue(autoTruncate) || IsTrue(Environment.GetEnvironmentVariable(EnvironmentName("--auto-truncate"))))
            {
                settings["EmbeddingGemmaServer:AutoTruncate"] = "true";
            }

            string[] keys = parse.GetValue(apiKeys) is { Length: > 0 } given ? given
                : Environment.GetEnvironmentVariable(EnvironmentName("--api-key"))?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            for (int i = 0; i < keys.Length; i++)
            {
                settings[$"EmbeddingGemmaServer:ApiKeys:{i}"] = keys[i];
            }

            string? host = Value(values.Single(v => v.Setting.Flag == "--hostname").Option, "--hostname");
            string? port = Value(values.Single(v => v.Setting.Flag == "--port").Option, "--port");
            if (host is not null || port is not null)
            {
                if (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is >= 0 and <= 65535))
                {
                    await Console.Error.WriteLineAsync($"embeddinggemma: error: --port '{port}' is not a port number (0..65535).");
                    return 1;
                }

                settings["Urls"] = $"http://{FormatHost(host ?? "127.0.0.1")}:{port ?? "8080"}";
            }

            WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });

            // ASP.NET Core's per-request traces are noise next to the server's own request log, unless configured otherwise.
            if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
            {
                settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
            }

            builder.Configuration.AddInMemoryCollection(settings);
            if (string.IsNullOrEmpty(builder.Configuration["Urls"]))
            {
                builder.WebHost.UseUrls("http://127.0.0.1:8080");
            }

            builder.Logging.AddFilter(EmbeddingGemmaServerHost.HostLogCategory, LogLevel.None);
            if (parse.GetValue(jsonOutput) || IsTrue(Environment.GetEnvironmentVariable(EnvironmentName("--json-output"))))
            {
                builder.Logging.ClearProviders().AddJsonConsole();
            }

            builder.Services.AddEmbeddingGemmaServer(builder.Configuration);
            WebApplication app = builder.Build();
            app.MapEmbeddingGemma();
            if (parse.GetValue(exitWithInput) || IsTrue(Environment.GetEnvironmentVariable(EnvironmentName("--exit-on-stdin-close"))))
            {
                StopWhenInputCloses(app);
            }

            return await EmbeddingGemmaServerHost.RunAsync(app, Console.Error, "embeddinggemma: error: ");
        });
        return command;
    }

    /// <summary>
    /// Stops the app (gracefully: in-flight requests finish) once standard input reaches its end. A parent holding the
    /// other end of the pipe closes it however it ends, SIGKILL included, which no signal handler of its own can do.
    /// </summary>
    private static void StopWhenInputCloses(WebApplication app)
    {
        var reader = new Thread(() =>
        {
            using Stream input = Console.OpenStandardInput();
            byte[] buffer = new byte[256];
            try
            {
                while (input.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
                // A broken pipe is a closed one.
            }

            app.Lifetime.StopApplication();
        })
        {
            IsBackground = true,
            Name = "serve stdin watcher",
        };
        reader.Start();
    }

    /// <summary><c>--max-batch-tokens</c> → <c>EMBEDDINGGEMMA_MAX_BATCH_TOKENS</c>.</summary>
    internal static string EnvironmentName(string flag) => "EMBEDDINGGEMMA_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private static bool IsTrue(string? value) => value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
