using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Batching;
using SkEmbeddingGemma.Model;
using SkEmbeddingGemma.Prompts;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.Input;

/// <summary>
/// Text to model input, as sentence-transformers does it: prompt + text (not stripped: sentence-transformers 6
/// tokenizes it as is, as Hugging Face tokenizers do), lower-cased if the model says so, tokenized, framed with <c>&lt;bos&gt;</c> ... <c>&lt;eos&gt;</c>, truncated keeping
/// <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> (from the end, or from the start with <see cref="EmbeddingGemmaPropertyNames.TruncationDirection"/> <c>left</c>); an input whose ids hold a token that is not text (no embedding row, or a media token of a
/// multimodal model) is refused. Needs no ONNX graph, so tokenizing is cheap. Thread-safe.
/// </summary>
internal sealed class InputEncoder
{
    private readonly ModelConfiguration _configuration;
    private readonly string? _defaultPromptName;
    private readonly bool _truncate;
    private readonly Dictionary<int, string> _mediaTokens;

    private InputEncoder(
        GemmaTokenizer tokenizer, PromptCatalog prompts, ModelConfiguration configuration, Dictionary<int, string> mediaTokens, EmbeddingGemmaGeneratorOptions options)
    {
        Tokenizer = tokenizer;
        Prompts = prompts;
        _configuration = configuration;
        _mediaTokens = mediaTokens;
        _truncate = options.TruncateInputs;
        MaxTokens = Math.Min(options.MaxTokens ?? configuration.MaxSequenceLength, configuration.MaxSequenceLength);
        _defaultPromptName = options.DefaultPromptName ?? prompts.DefaultPromptName;
        if (_defaultPromptName is not null)
        {
            _ = prompts.GetPrompt(_defaultPromptName, nameof(options));
        }
    }

    /// <summary>Gets the tokenizer.</summary>
    public GemmaTokenizer Tokenizer { get; }

    /// <summary>Gets the prompts.</summary>
    public PromptCatalog Prompts { get; }

    /// <summary>Gets what the folder's JSON files say about the model.</summary>
    public ModelConfiguration Configuration => _configuration;

    /// <summary>Gets the most tokens an input keeps, framing included.</summary>
    public int MaxTokens { get; }

    /// <summary>Loads the tokenizer, prompts and text settings of a model folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no tokenizer.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt.</exception>
    /// <exception cref="ArgumentException">The default prompt name is unknown.</exception>
    public static InputEncoder Load(string modelDirectory, EmbeddingGemmaGeneratorOptions options)
    {
        if (!Directory.Exists(modelDirectory))
        {
            throw new DirectoryNotFoundException($"The EmbeddingGemma model folder '{modelDirectory}' does not exist.");
        }

        GemmaTokenizer tokenizer = GemmaTokenizer.FromDirectory(modelDirectory);
        ModelConfiguration configuration = ModelConfiguration.Load(modelDirectory);
        return new InputEncoder(
            tokenizer, PromptCatalog.Load(modelDirectory), configuration, MediaTokenIds(modelDirectory, configuration, tokenizer), options);
    }

    /// <summary>
    /// The ids of the media tokens that <c>tokenizer_config.json</c> names, for a multimodal model only: its processor
    /// puts them where images, audio and video go (EmbeddingGemma 2's graph fills its placeholders with media features),
    /// so in text they are not text. A text model (EmbeddingGemma 300m) embeds them as the vocabulary entries they are there.
    /// </summary>
    private static Dictionary<int, string> MediaTokenIds(string modelDirectory, ModelConfiguration configuration, GemmaTokenizer tokenizer)
    {
        var ids = new Dictionary<int, string>();
        string path = Path.Combine(modelDirectory, "tokenizer_config.json");
        if (!configuration.IsMultimodal || !File.Exists(path))
        {
            return ids;
        }

        var single = new List<int>(2);
        foreach ((string key, string content) in TokenizerConfig.Load(path).MediaTokens)
        {
            // A token the vocabulary holds whole (an added token): text reaches its id only by spelling it out.
            single.Clear();
            tokenizer.AppendTextIds(content, single);
            if (single.Count == 1 && tokenizer.Decode(single) == content)
            {
                _ = ids.TryAdd(single[0], key);
            }
        }

        return ids;
    }

    /// <summary>Gets the prompt of each of <paramref name="count"/> inputs of one call, as <see cref="Encode"/> applies them.</summary>
    /// <exception cref="ArgumentException">The prompt options are invalid.</exception>
    public PromptSelection SelectPrompts(EmbeddingGenerationOptions? options, int count) =>
        PromptSelection.From(options, Prompts, _defaultPromptName, count);

    /// <summary>Encodes the inputs of one call.</summary>
    /// <exception cref="ArgumentException">
    /// The prompt options are invalid, an input is too long with truncation off, or an input holds a token the model
    /// cannot embed.
    /// </exception>
    public List<TokenizedInput> Encode(IReadOnlyList<string> inputs, EmbeddingGenerationOptions? options)
    {
        PromptSelection prompts = PromptSelection.From(options, Prompts, _defaultPromptName, inputs.Count);
        bool keepEnd = TruncationSide.KeepsEnd(options);
        var result = new List<TokenizedInput>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            string text = string.Concat(prompts.PromptFor(i), inputs[i]);
            if (_configuration.DoLowerCase)
            {
                text = text.ToLowerInvariant();
            }

            int[] ids = Tokenizer.EncodeFramed(text, MaxTokens, keepEnd, out int fullCount);
            bool truncated = fullCount > ids.Length;
            if (truncated && !_truncate)
            {
                throw new EmbeddingGemmaInputException(
                    i, $"has {fullCount} tokens with its prompt, more than this model's limit of {MaxTokens}; shorten or chunk it, or enable truncation.");
            }

            ThrowIfNotEmbeddable(ids, i);
            result.Add(new TokenizedInput(i, ids, truncated));
        }

        return result;
    }

    private void ThrowIfNotEmbeddable(int[] ids, int index)
    {
        int rows = _configuration.VocabularySize ?? int.MaxValue;
        foreach (int id in ids)
        {
            if (id >= rows)
            {
                throw new EmbeddingGemmaInputException(
                    index,
                    $"contains the token '{Tokenizer.Decode([id])}' (id {id}), which has no row in the model's " +
                    $"{rows}-row embedding table (multimodal placeholders such as <image_soft_token> cannot be embedded as text).");
            }

            if (_mediaTokens.Count > 0 && _mediaTokens.TryGetValue(id, out string? key))
            {
                throw new EmbeddingGemmaInputException(
                    index,
                    $"contains the media token '{Tokenizer.Decode([id])}' (id {id}, tokenizer_config.json \"{key}\"), " +
                    "which marks where an image, audio clip or video goes, not text; this library embeds text only. " +
                    "Remove it from the input, or break it up (for example with a space after its first character) to embed it as plain characters.");
            }
        }
    }
}
