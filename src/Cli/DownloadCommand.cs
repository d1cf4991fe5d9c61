using System.CommandLine;
using SkEmbeddingGemma.Hub;
using Spectre.Console;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// <c>embeddinggemma download</c>: fetches a model into the Hugging Face cache and prints its folder on stdout, for
/// <c>--model $(embeddinggemma download)</c>; progress goes to stderr, and only on a terminal.
/// </summary>
internal static class DownloadCommand
{
    /// <summary>Builds the command.</summary>
    internal static Command Create()
    {
        var repoOption = new Option<string>("--repo") { Description = "Hugging Face repository id.", DefaultValueFactory = _ => HuggingFaceHub.DefaultRepository };
        var revisionOption = new Option<string>("--revision") { Description = "Branch, tag or commit hash.", DefaultValueFactory = _ => "main" };
        var variantOption = new Option<string>("--variant") { Description = "Graph under onnx/: model, model_quantized, model_q4, ...", DefaultValueFactory = _ => "model" };
        var cacheOption = new Option<string?>("--cache") { Description = "Cache folder (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)." };
        var allowUnverifiedOption = new Option<bool>("--allow-unverified")
        {
            Description = "Accept files the Hub gives no hash for (a mirror with opaque ETags), checking only their size. Without it such files are refused.",
        };

        var command = new Command("download", "Download an EmbeddingGemma ONNX model from the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE apply) and print its folder.")
        {
            repoOption, revisionOption, variantOption, cacheOption, allowUnverifiedOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var options = new HubDownloadOptions
                {
                    Repository = parse.GetValue(repoOption)!,
                    Revision = parse.GetValue(revisionOption)!,
                    Variant = parse.GetValue(variantOption)!,
                    CacheDirectory = parse.GetValue(cacheOption),
                    AllowUnverifiedFiles = parse.GetValue(allowUnverifiedOption),
                };
                string folder = await DownloadAsync(options, cancellationToken);
                await Console.Out.WriteLineAsync(folder);
                return 0;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("embeddinggemma: cancelled (run again to resume)");
                return 130;
            }
            catch (Exception ex) when (ex is HubDownloadException or ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"embeddinggemma: error: {ex.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
        });
        return command;
    }

    private static async Task<string> DownloadAsync(HubDownloadOptions options, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected)
        {
            return await HuggingFaceHub.DownloadModelAsync(options, null, cancellationToken);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        string folder = string.Empty;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                folder = await HuggingFaceHub.DownloadModelAsync(options, new ProgressTasks(context), cancellationToken);
            });
        return folder;
    }

    /// <summary>One bar per file, updated on the reporting thread (Progress&lt;T&gt; would reorder updates on the pool).</summary>
    private sealed class ProgressTasks(ProgressContext context) : IProgress<HubDownloadProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void Report(HubDownloadProgress value)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.FileName, out ProgressTask? task))
                {
                    task = context.AddTask(Markup.Escape(value.FileName), maxValue: Math.Max(1, value.TotalBytes ?? value.BytesDownloaded));
                    _tasks.Add(value.FileName, task);
                }

                task.Value = value.BytesDownloaded;
            }
        }
    }
}
