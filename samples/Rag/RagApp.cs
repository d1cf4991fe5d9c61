using System.ClientModel;
using System.CommandLine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;
using OpenAI;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma;
using SkEmbeddingGemma.Hub;
using SkEmbeddingGemma.VectorData.Faiss;

namespace Rag;

/// <summary>
/// The sample: ingest a folder of Markdown/text files into a FAISS store through DI, then answer questions with Semantic
/// Kernel and an OpenAI-compatible chat model when one is configured, or list the best passages when none is.
/// </summary>
public static class RagApp
{
    public const string ModelVariable = "EMBEDDINGGEMMA_MODEL_PATH";
    public const string RepositoryVariable = "EMBEDDINGGEMMA_HUB_REPOSITORY";
    public const string BaseUrlVariable = "OPENAI_BASE_URL";
    public const string ApiKeyVariable = "OPENAI_API_KEY";
    public const string ChatModelVariable = "OPENAI_CHAT_MODEL";
    public const string DefaultChatModel = "gpt-4o-mini";

    /// <summary>
    /// Runs the command line; returns 0 on success, 1 on a failure (reported on the error writer). Questions come from
    /// --question, else from the input, one a line; the environment lookup supplies the model folder and chat settings.
    /// </summary>
    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var docs = new Option<string>("--docs") { Description = "Folder of .md/.markdown/.txt files to ingest (recursively).", Required = true };
        var model = new Option<string?>("--model") { Description = $"EmbeddingGemma or EmbeddingGemma 2 model folder (default: ${ModelVariable})." };
        var repository = new Option<string?>("--repo")
        {
            Description = $"Hugging Face Hub repository to take the model from when no folder is given, such as onnx-community/embeddinggemma-2-ONNX (default: ${RepositoryVariable}); downloaded once into the huggingface_hub cache (HF_HOME, HF_ENDPOINT, HF_HUB_OFFLINE apply).",
        };
        var db = new Option<string>("--db") { Description = "SQLite file of the FAISS store (its index goes to <db>.faiss/).", DefaultValueFactory = _ => "rag.db" };
        var questions = new Option<string[]>("--question", "-q") { Description = "A question; repeat for several. Without any, questions are read from stdin, one a line." };
        var top = new Option<int>("--top") { Description = "Passages retrieved per question.", DefaultValueFactory = _ => 3 };
        var chunkTokens = new Option<int>("--chunk-tokens") { Description = "Most tokens per chunk (prompt and title come on top, within the model's limit: 2,048 tokens for EmbeddingGemma, 8,192 for EmbeddingGemma 2).", DefaultValueFactory = _ => EmbeddingGemmaTextChunker.DefaultChunkTokens };
        var overlapTokens = new Option<int>("--overlap-tokens") { Description = "Tokens shared by consecutive chunks.", DefaultValueFactory = _ => EmbeddingGemmaTextChunker.DefaultOverlapTokens };
        var chatEndpoint = new Option<string?>("--chat-endpoint") { Description = $"OpenAI-compatible base URL, e.g. http://localhost:11434/v1 (default: ${BaseUrlVariable})." };
        var chatModel = new Option<string?>("--chat-model") { Description = $"Chat model name (default: ${ChatModelVariable}, else {DefaultChatModel})." };
        var apiKey = new Option<string?>("--api-key") { Description = $"API key (default: ${ApiKeyVariable})." };
        var root = new RootCommand("Retrieval-augmented answers over a folder of documents with EmbeddingGemma, FAISS and Semantic Kernel.")
        {
            docs, model, repository, db, questions, top, chunkTokens, overlapTokens, chatEndpoint, chatModel, apiKey,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                string? modelPath = NullIfBlank(parse.GetValue(model) ?? environment(ModelVariable));
                string? hubRepository = modelPath is null ? NullIfBlank(parse.GetValue(repository) ?? environment(RepositoryVariable)) : null;
                if (modelPath is null && hubRepository is null)
                {
                    throw new ArgumentException(
                        $"No model: pass --model DIR or set {ModelVariable} (`embeddinggemma download` fetches one), or name a Hub repository with --repo or {RepositoryVariable}.");
                }

                string[] asked = parse.GetValue(questions) ?? [];
                var settings = new RagSettings(
                    modelPath, hubRepository, parse.GetValue(docs)!, parse.GetValue(db)!, asked.Length > 0 ? asked : ReadQuestions(input),
                    parse.GetValue(top), parse.GetValue(chunkTokens), parse.GetValue(overlapTokens),
                    ChatFrom(parse.GetValue(chatEndpoint) ?? environment(BaseUrlVariable), parse.GetValue(apiKey) ?? environment(ApiKeyVariable),
                        parse.GetValue(chatModel) ?? environment(ChatModelVariable)));
                return await RunAsync(settings, output, error, cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or VectorStoreException or HttpRequestException
                or ClientResultException or ChatEndpointException or HubDownloadException or OptionsValidationException or NotSupportedException)
            {
                error.WriteLine($"error: {EmbeddingGemmaErrorText.Describe(e)}");
                return 1;
            }
        });
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>Ingests <see cref="RagSettings.DocumentsFolder"/> and answers every question.</summary>
    public static async Task<int> RunAsync(RagSettings settings, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Top, 1, "--top");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.DatabasePath))!);
        var services = new ServiceCollection();
        services.AddKernel()
            .AddEmbeddingGemma(o =>
            {
                // A folder, else the Hub repository: the library downloads it (once, into the huggingface_hub cache).
                o.ModelPath = settings.ModelPath;
                o.HubRepository = settings.HubRepository;
            })
            .AddFaissVectorStore(settings.DatabasePath, _ => new FaissVectorStoreOptions
            {
                CollectionDefaults = new() { TitleProperty = nameof(DocumentChunk.Title) },
            });
        if (settings.Chat is { } chat)
        {
            services.AddChatClient(CreateChatClient(chat));
        }

        // Disposing the container disposes the store, which saves the FAISS index next to the database.
        await using ServiceProvider provider = services.BuildServiceProvider();
        Kernel kernel = provider.GetRequiredService<Kernel>();
        // The loaded model's tokenizer, limit and width size the chunks and the vectors.
        EmbeddingGemmaGenerator gemma = await provider.GetRequiredService<EmbeddingGemmaModel>().GetGeneratorAsync(cancellationToken);
        var collection = kernel.GetRequiredService<VectorStore>().GetCollection<string, DocumentChunk>(
            DocumentChunk.CollectionName, DocumentChunk.Definition(gemma.EmbeddingDimensions));
        var chunker = new EmbeddingGemmaTextChunker(gemma, settings.ChunkTokens, settings.OverlapTokens);

        IngestSummary summary = await RagIndexer.IngestAsync(settings.DocumentsFolder, collection, chunker, log, cancellationToken);
        output.WriteLine($"Indexed {summary.Chunks} chunks from {summary.Files} files into {settings.DatabasePath} ({summary.Skipped} skipped).");
        if (settings.Chat is null)
        {
            output.WriteLine("No chat endpoint configured: listing the best passages (score = inner product).");
        }

        foreach (string question in settings.Questions)
        {
            await RagAnswerer.AnswerAsync(kernel, collection, question, settings.Top, settings.Chat, output, cancellationToken);
        }

        return 0;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static ChatSettings? ChatFrom(string? endpoint, string? apiKey, string? model) =>
        string.IsNullOrWhiteSpace(endpoint) && string.IsNullOrWhiteSpace(apiKey) ? null
            : new ChatSettings(
                string.IsNullOrWhiteSpace(endpoint) ? null
                    : Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) ? uri
                    : throw new ArgumentException($"The chat endpoint '{endpoint}' is not an absolute URL."),
                apiKey, string.IsNullOrWhiteSpace(model) ? DefaultChatModel : model);

    private static IChatClient CreateChatClient(ChatSettings chat)
    {
        var options = new OpenAIClientOptions();
        if (chat.Endpoint is not null)
        {
            options.Endpoint = chat.Endpoint;
        }

        // Local OpenAI-compatible servers usually need no key, but the client requires one.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(chat.ApiKey) ? "unused" : chat.ApiKey), options)
            .GetChatClient(chat.Model).AsIChatClient();
    }

    private static List<string> ReadQuestions(TextReader input)
    {
        var lines = new List<string>();
        while (input.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(line.Trim());
            }
        }

        return lines;
    }
}
