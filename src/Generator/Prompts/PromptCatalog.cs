using System.Text.Json;

namespace SkEmbeddingGemma.Prompts;

/// <summary>
/// EmbeddingGemma's prompts by name: the built-in set, overridden and extended by a folder's
/// <c>config_sentence_transformers.json</c>, as sentence-transformers does.
/// </summary>
internal sealed class PromptCatalog
{
    internal const string SearchQuery = "task: search result | query: ";
    internal const string DocumentNoTitle = "title: none | text: ";

    private static readonly KeyValuePair<string, string>[] s_builtIn =
    [
        new(EmbeddingGemmaPromptNames.Query, SearchQuery),
        new(EmbeddingGemmaPromptNames.Document, DocumentNoTitle),
        new(EmbeddingGemmaPromptNames.BitextMining, SearchQuery),
        new(EmbeddingGemmaPromptNames.Clustering, "task: clustering | query: "),
        new(EmbeddingGemmaPromptNames.Classification, "task: classification | query: "),
        new(EmbeddingGemmaPromptNames.InstructionRetrieval, "task: code retrieval | query: "),
        new(EmbeddingGemmaPromptNames.MultilabelClassification, "task: classification | query: "),
        new(EmbeddingGemmaPromptNames.PairClassification, "task: sentence similarity | query: "),
        new(EmbeddingGemmaPromptNames.Reranking, SearchQuery),
        new(EmbeddingGemmaPromptNames.Retrieval, SearchQuery),
        new(EmbeddingGemmaPromptNames.RetrievalQuery, SearchQuery),
        new(EmbeddingGemmaPromptNames.RetrievalDocument, DocumentNoTitle),
        new(EmbeddingGemmaPromptNames.SemanticTextualSimilarity, "task: sentence similarity | query: "),
        new(EmbeddingGemmaPromptNames.Summarization, "task: summarization | query: "),
        new(EmbeddingGemmaPromptNames.QuestionAnswering, "task: question answering | query: "),
        new(EmbeddingGemmaPromptNames.FactChecking, "task: fact checking | query: "),
        new(EmbeddingGemmaPromptNames.CodeRetrieval, "task: code retrieval | query: "),
    ];

    private readonly Dictionary<string, string> _exact;
    private readonly Dictionary<string, string> _ignoreCase;

    private PromptCatalog(IEnumerable<KeyValuePair<string, string>> prompts, string? defaultPromptName)
    {
        _exact = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> prompt in prompts)
        {
            _exact[prompt.Key] = prompt.Value;
        }

        _ignoreCase = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> prompt in _exact)
        {
            _ = _ignoreCase.TryAdd(prompt.Key, prompt.Value);
        }

        DefaultPromptName = defaultPromptName;
    }

    /// <summary>Gets the built-in catalog.</summary>
    public static PromptCatalog BuiltIn { get; } = new(s_builtIn, defaultPromptName: null);

    /// <summary>Gets the prompt name used when a call names none (from the folder's config), or null for no prompt.</summary>
    public string? DefaultPromptName { get; }

    /// <summary>Gets every prompt name, sorted.</summary>
    public IEnumerable<string> Names => _exact.Keys.Order(StringComparer.Ordinal);

    /// <summary>Loads the built-in prompts, overridden by <c>config_sentence_transformers.json</c> when the folder has one.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or its prompts are not strings.</exception>
    public static PromptCatalog Load(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, "config_sentence_transformers.json");
        if (!File.Exists(path))
        {
            return BuiltIn;
        }

        var prompts = new List<KeyValuePair<string, string>>(s_builtIn);
        string? defaultPromptName = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.TryGetProperty("prompts", out JsonElement promptsElement) &&
                promptsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty prompt in promptsElement.EnumerateObject())
                {
                    prompts.Add(new(prompt.Name, prompt.Value.GetString() ?? throw new InvalidDataException(
                        $"'{path}': prompt '{prompt.Name}' is null; prompts must be strings.")));
                }
            }

            if (document.RootElement.TryGetProperty("default_prompt_name", out JsonElement defaultElement) &&
                defaultElement.ValueKind == JsonValueKind.String)
            {
                defaultPromptName = defaultElement.GetString();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' is not a valid sentence-transformers config: {ex.Message}", ex);
        }

        var catalog = new PromptCatalog(prompts, defaultPromptName);
        if (defaultPromptName is not null && !catalog.TryGetPrompt(defaultPromptName, out _))
        {
            throw new InvalidDataException($"'{path}': default_prompt_name '{defaultPromptName}' is not one of its prompts.");
        }

        return catalog;
    }

    /// <summary>Looks a prompt up by name: exactly first, then ignoring case.</summary>
    public bool TryGetPrompt(string name, out string prompt) =>
        _exact.TryGetValue(name, out prompt!) || _ignoreCase.TryGetValue(name, out prompt!);

    /// <summary>Gets the prompt of a name.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names.</exception>
    public string GetPrompt(string name, string paramName) =>
        TryGetPrompt(name, out string prompt)
            ? prompt
            : throw new ArgumentException(
                $"Unknown EmbeddingGemma prompt name '{name}'. Known names: {string.Join(", ", Names)}.", paramName);

    /// <summary>Whether a prompt name is a document role, whose prompt carries a title.</summary>
    public static bool IsDocumentRole(string name) =>
        string.Equals(name, EmbeddingGemmaPromptNames.Document, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, EmbeddingGemmaPromptNames.RetrievalDocument, StringComparison.OrdinalIgnoreCase);

    /// <summary>A document role's prompt for one input: <paramref name="documentPrompt"/> (the folder's) without a title, else the title prompt.</summary>
    public static string WithTitle(string documentPrompt, string? title) =>
        string.IsNullOrEmpty(title) ? documentPrompt : DocumentPrompt(title);

    /// <summary>The document prompt for a title: <c>title: {title} | text: </c>, with <c>none</c> for no title.</summary>
    public static string DocumentPrompt(string? title) =>
        string.IsNullOrEmpty(title) ? DocumentNoTitle : $"title: {title} | text: ";
}
