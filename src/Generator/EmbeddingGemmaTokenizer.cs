using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Input;

namespace SkEmbeddingGemma;

/// <summary>
/// EmbeddingGemma's model input without running the model: each text with its prompt, lower-cased where the model says
/// so, tokenized, framed with <c>&lt;bos&gt;</c> ... <c>&lt;eos&gt;</c> and truncated exactly as
/// <see cref="EmbeddingGemmaGenerator"/> does before its ONNX run. Needs only the folder's tokenizer and configs.
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public sealed class EmbeddingGemmaTokenizer
{
    private readonly InputEncoder _encoder;

    private EmbeddingGemmaTokenizer(InputEncoder encoder) => _encoder = encoder;

    /// <summary>Gets the most tokens an input keeps, framing included.</summary>
    public int MaxTokens => _encoder.MaxTokens;

    /// <summary>Loads the tokenizer, prompts and text settings of a model folder.</summary>
    /// <param name="modelDirectory">The model folder (onnx-community layout).</param>
    /// <param name="options">The generator options whose text settings apply (default prompt, token limit, truncation); null for the defaults.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelDirectory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is blank, or the default prompt name is unknown.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no tokenizer.</exception>
    /// <exception cref="InvalidDataException">A tokenizer or config file is corrupt.</exception>
    public static EmbeddingGemmaTokenizer Load(string modelDirectory, EmbeddingGemmaGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        return new(InputEncoder.Load(modelDirectory, options ?? new EmbeddingGemmaGeneratorOptions()));
    }

    /// <summary>Returns the framed input ids of each text, in order.</summary>
    /// <param name="inputs">The texts.</param>
    /// <param name="options">The prompt selection (<see cref="EmbeddingGemmaPropertyNames"/>), as for <see cref="EmbeddingGemmaGenerator"/>; null for the default prompt.</param>
    /// <returns>One id array per input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    /// <exception cref="EmbeddingGemmaInputException">An input is too long with truncation off, or holds a token the model cannot embed.</exception>
    /// <exception cref="ArgumentException">The prompt options are invalid.</exception>
    public IReadOnlyList<int[]> Tokenize(IReadOnlyList<string> inputs, EmbeddingGenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return _encoder.Encode(inputs, options).ConvertAll(static input => input.Ids);
    }
}
