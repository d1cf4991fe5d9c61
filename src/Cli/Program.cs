using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma;
using SkEmbeddingGemma.Cli;

var modelOption = new Option<string?>("--model") { Description = $"EmbeddingGemma model folder (default: ${CliModel.EnvironmentVariable})." };
var promptNameOption = new Option<string?>("--prompt-name") { Description = "Prompt name: query, document, or a task name (Clustering, STS, ...)." };
var promptOption = new Option<string?>("--prompt") { Description = "A raw prompt prepended to every text." };
var titleOption = new Option<string?>("--title") { Description = "Document title for the document prompt (default: none)." };
var inputOption = new Option<string>("--input")
{
    Description = "JSON lines {\"text\": ...} (optional prompt_name, prompt, title), UTF-8; - for stdin. With EmbeddingGemma 2, embed also "
        + "takes media: {\"image\": \"photo.jpg\"}, {\"text\": \"... <|image|> ...\", \"images\": [...]}, {\"video\": [frame paths]} (paths relative "
        + "to the input file). Blank lines are skipped; "
        + "invalid UTF-8 becomes U+FFFD with a warning naming the line; a lone surrogate escape (\\ud800) is an error. " + PromptChoice.Rule,
    Required = true,
};
var outputOption = new Option<string>("--output")
{
    Description = "Output JSON lines, one per non-blank input line, in order, each with its input \"line\" number; - for stdout. "
        + "A file is replaced only when the run succeeds (it may be the input).",
    Required = true,
};
var variantOption = new Option<string>("--variant") { Description = "Graph under onnx/: model, model_quantized, model_q4, ...", DefaultValueFactory = _ => "model" };
var dimensionsOption = new Option<int?>("--dimensions") { Description = "Matryoshka width: 768, 512, 256, 128 (any 1..768)." };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Most texts per ONNX run.", DefaultValueFactory = _ => new EmbeddingGemmaGeneratorOptions().MaxBatchSize };

var tokenize = new Command("tokenize", "Write the model's input ids for each non-blank JSON line: {\"line\": n, \"ids\": [...]}.")
{
    modelOption, promptNameOption, promptOption, titleOption, inputOption, outputOption,
};
tokenize.SetAction((parse, cancellationToken) => Run(async () =>
{
    string model = CliModel.Resolve(parse.GetValue(modelOption));
    return await Pipeline(parse, () =>
    {
        EmbeddingGemmaTokenizer tokenizer = EmbeddingGemmaTokenizer.Load(model);
        return ((choice, lines, _) =>
        {
            if (lines.FirstOrDefault(l => l.Media is not null) is { } media)
            {
                throw new InvalidDataException($"line {media.Line}: tokenize takes text lines; embed media lines with 'embed'.");
            }

            IReadOnlyList<string> result = tokenizer.Tokenize(lines.Select(l => l.Text).ToArray(), choice.ToOptions(lines.Select(l => l.Title).ToArray()))
                .Select((ids, i) => JsonSerializer.Serialize(new TokenizeLine(lines[i].Line, ids), CliJsonContext.Default.TokenizeLine))
                .ToArray();
            return Task.FromResult(result);
        }, null);
    }, cancellationToken).ConfigureAwait(false);
}));

var embed = new Command("embed", "Write an embedding for each non-blank JSON line: {\"line\": n, \"embedding\": [...], \"tokens\": n}.")
{
    modelOption, variantOption, promptNameOption, promptOption, titleOption, dimensionsOption, batchSizeOption, inputOption, outputOption,
};
embed.SetAction((parse, cancellationToken) => Run(async () =>
{
    string model = CliModel.Resolve(parse.GetValue(modelOption));
    string inputPath = parse.GetValue(inputOption)!;
    var options = new EmbeddingGemmaGeneratorOptions
    {
        Variant = parse.GetValue(variantOption)!,
        MaxBatchSize = parse.GetValue(batchSizeOption),
        Dimensions = parse.GetValue(dimensionsOption),
    };
    return await Pipeline(parse, () =>
    {
        var generator = new EmbeddingGemmaGenerator(model, options);
        string mediaDirectory = inputPath == "-" ? Environment.CurrentDirectory : Path.GetDirectoryName(Path.GetFullPath(inputPath))!;
        return (async (choice, lines, ct) =>
        {
            GeneratedEmbeddings<Embedding<float>> embeddings = lines.Any(l => l.Media is not null)
                ? await MediaEmbedding.GenerateAsync(generator, lines, mediaDirectory, choice, ct).ConfigureAwait(false)
                : await generator.GenerateAsync(
                    lines.Select(l => l.Text).ToArray(), choice.ToOptions(lines.Select(l => l.Title).ToArray()), ct).ConfigureAwait(false);
            return embeddings.Select((e, i) => JsonSerializer.Serialize(
                new EmbedLine(lines[i].Line, e.Vector.ToArray(), (int)e.AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]!),
                CliJsonContext.Default.EmbedLine)).ToArray();
        }, generator);
    }, cancellationToken).ConfigureAwait(false);
}));

var root = new RootCommand("EmbeddingGemma on ONNX Runtime: exact sentence-transformers embeddings from .NET.") { tokenize, embed, DownloadCommand.Create(), QuantizeCommand.Create(modelOption), ServeCommand.Create() };
foreach (Command command in StoreCommands.Create(modelOption, batchSizeOption))
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

// Opens the input and the output before the model loads (a closed stdin or a missing folder fails at once), then runs
// the processor the factory returns (with what to dispose after it) over every line; the output is replaced only on success.
async Task<int> Pipeline(
    ParseResult parse,
    Func<(Func<PromptChoice, IReadOnlyList<InputLine>, CancellationToken, Task<IReadOnlyList<string>>> Process, IDisposable? Owned)> createProcessor,
    CancellationToken cancellationToken)
{
    string? promptName = parse.GetValue(promptNameOption);
    string? prompt = parse.GetValue(promptOption);
    if (promptName is not null && prompt is not null)
    {
        throw new ArgumentException("Give --prompt-name or --prompt, not both.");
    }

    string inputPath = parse.GetValue(inputOption)!;
    using JsonLinesReader input = InputSource.OpenLines(inputPath);
    await using OutputTarget output = OutputTarget.Open(parse.GetValue(outputOption)!);
    (var process, IDisposable? owned) = createProcessor();
    using (owned)
    {
        using var progress = ProgressReporter.Create(inputPath);
        await JsonLinesPipeline.RunAsync(
            input, output.Writer, new PromptChoice(promptName, prompt), parse.GetValue(titleOption), process, progress.Advance, cancellationToken).ConfigureAwait(false);
    }

    await output.CommitAsync(cancellationToken).ConfigureAwait(false);
    return 0;
}

static Task<int> Run(Func<Task<int>> action) => CliRunner.RunAsync(action);
