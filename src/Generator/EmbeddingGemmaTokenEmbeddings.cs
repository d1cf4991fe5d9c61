namespace SkEmbeddingGemma;

/// <summary>
/// The model's output for every token of one input (its <c>last_hidden_state</c> rows, before pooling): the vectors
/// late chunking pools over a span of tokens, and what Text Embeddings Inference's <c>/embed_all</c> returns.
/// </summary>
/// <remarks>
/// Row <c>i</c> belongs to <see cref="TokenIds"/>[i]: <c>&lt;bos&gt;</c>, the prompt's tokens, the text's tokens,
/// <c>&lt;eos&gt;</c>, exactly the ids <see cref="EmbeddingGemmaGenerator.Tokenize"/> gives for the same input and options.
/// The vectors are neither pooled, projected nor normalized. Immutable and thread-safe.
/// </remarks>
public sealed class EmbeddingGemmaTokenEmbeddings
{
    private readonly float[] _values;

    internal EmbeddingGemmaTokenEmbeddings(int[] tokenIds, float[] values, int width, bool truncated)
    {
        TokenIds = tokenIds;
        _values = values;
        Width = width;
        Truncated = truncated;
    }

    /// <summary>Gets the token ids the model saw, framing and prompt included.</summary>
    public IReadOnlyList<int> TokenIds { get; }

    /// <summary>Gets the number of tokens: the number of vectors.</summary>
    public int Count => TokenIds.Count;

    /// <summary>Gets the width of each vector (the model's hidden size).</summary>
    public int Width { get; }

    /// <summary>Gets whether the input was truncated to the model's token limit.</summary>
    public bool Truncated { get; }

    /// <summary>Gets all vectors, row-major: <see cref="Count"/> rows of <see cref="Width"/> values.</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>Gets the vector of the token at <paramref name="position"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is outside 0..<see cref="Count"/>-1.</exception>
    public ReadOnlyMemory<float> GetVector(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Count);
        return _values.AsMemory(position * Width, Width);
    }
}
