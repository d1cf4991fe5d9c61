namespace SkEmbeddingGemma.Tokenization;

/// <content>Factories: <c>tokenizer.json</c>, <c>tokenizer.model</c> and model folders.</content>
public sealed partial class GemmaTokenizer
{
    private const string TokenizerJsonFileName = "tokenizer.json";
    private const string TokenizerModelFileName = "tokenizer.model";
    private const string TokenizerConfigFileName = "tokenizer_config.json";

    /// <summary>
    /// Loads the tokenizer of a Hugging Face model folder: <c>tokenizer.json</c> when present, else <c>tokenizer.model</c>.
    /// </summary>
    /// <param name="directory">The folder holding the tokenizer files.</param>
    /// <returns>The tokenizer.</returns>
    /// <remarks>
    /// The framing comes from <c>tokenizer.json</c>'s <c>post_processor</c>, else from <c>add_bos_token</c>/<c>add_eos_token</c>
    /// in <c>tokenizer_config.json</c>, else it is <see cref="TokenFraming.EmbeddingGemma"/>. With <c>tokenizer.model</c>, the
    /// <c>added_tokens_decoder</c> of <c>tokenizer_config.json</c> adds the tokens a SentencePiece model cannot hold
    /// (Gemma 3's <c>&lt;image_soft_token&gt;</c>). Load only files from a trusted source.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The folder holds neither <c>tokenizer.json</c> nor <c>tokenizer.model</c>.</exception>
    /// <exception cref="InvalidDataException">A tokenizer file is corrupt or describes an unsupported tokenizer.</exception>
    public static GemmaTokenizer FromDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string jsonPath = Path.Combine(directory, TokenizerJsonFileName);
        string modelPath = Path.Combine(directory, TokenizerModelFileName);
        string configPath = Path.Combine(directory, TokenizerConfigFileName);
        TokenizerConfig? config = File.Exists(configPath) ? TokenizerConfig.Load(configPath) : null;
        if (File.Exists(jsonPath))
        {
            using FileStream stream = OpenSequential(jsonPath);
            (BpeModelData data, TokenFraming? framing) = TokenizerJsonLoader.Load(stream, jsonPath);
            return new GemmaTokenizer(new GemmaBpeModel(data), framing ?? config?.Framing ?? TokenFraming.EmbeddingGemma);
        }

        if (File.Exists(modelPath))
        {
            using FileStream stream = OpenSequential(modelPath);
            BpeModelData data = SentencePieceModelLoader.Load(stream, modelPath);
            if (config is not null)
            {
                var known = data.AddedTokens.Select(static token => token.Id).ToHashSet();
                data.AddedTokens.AddRange(config.AddedTokens.Where(token => known.Add(token.Id)));
                data.CheckAddedTokenIds(i => $"{configPath}: added_tokens_decoder entry '{data.AddedTokens[i].Id}'");
            }

            return new GemmaTokenizer(new GemmaBpeModel(data), config?.Framing ?? TokenFraming.EmbeddingGemma);
        }

        throw new FileNotFoundException(
            $"No tokenizer in '{directory}': looked for '{TokenizerJsonFileName}' and '{TokenizerModelFileName}'.", jsonPath);
    }

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> describing a Gemma (SentencePiece BPE) tokenizer.</summary>
    /// <param name="tokenizerJson">The <c>tokenizer.json</c> content; read to its end and left open.</param>
    /// <param name="framing">The framing, or <see langword="null"/> to take it from the file's <c>post_processor</c>
    /// (<see cref="TokenFraming.EmbeddingGemma"/> when the file has none).</param>
    /// <returns>The tokenizer.</returns>
    /// <remarks>Load only files from a trusted source.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizerJson"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The content is corrupt or describes an unsupported tokenizer.</exception>
    public static GemmaTokenizer FromTokenizerJson(Stream tokenizerJson, TokenFraming? framing = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        (BpeModelData data, TokenFraming? fromFile) = TokenizerJsonLoader.Load(tokenizerJson, SourceName(tokenizerJson, TokenizerJsonFileName));
        return new GemmaTokenizer(new GemmaBpeModel(data), framing ?? fromFile ?? TokenFraming.EmbeddingGemma);
    }

    /// <summary>
    /// Loads a SentencePiece <c>tokenizer.model</c>, converted the way Hugging Face's <c>GemmaConverter</c> converts it.
    /// </summary>
    /// <param name="tokenizerModel">The <c>tokenizer.model</c> content; read to its end and left open.</param>
    /// <param name="framing">The framing; a SentencePiece model does not carry one.</param>
    /// <returns>The tokenizer.</returns>
    /// <remarks>Load only files from a trusted source.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizerModel"/> or <paramref name="framing"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The content is corrupt or is not a Gemma-style BPE model.</exception>
    public static GemmaTokenizer FromSentencePieceModel(Stream tokenizerModel, TokenFraming framing)
    {
        ArgumentNullException.ThrowIfNull(tokenizerModel);
        ArgumentNullException.ThrowIfNull(framing);
        BpeModelData data = SentencePieceModelLoader.Load(tokenizerModel, SourceName(tokenizerModel, TokenizerModelFileName));
        return new GemmaTokenizer(new GemmaBpeModel(data), framing);
    }

    private static FileStream OpenSequential(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

    private static string SourceName(Stream stream, string fallback) =>
        stream is FileStream file ? file.Name : $"{fallback} (stream)";
}
