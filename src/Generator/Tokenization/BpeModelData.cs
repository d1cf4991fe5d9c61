namespace SkEmbeddingGemma.Tokenization;

/// <summary>What a loader read from <c>tokenizer.json</c> or <c>tokenizer.model</c>, before the model is built.</summary>
/// <remarks>Mutable while a loader fills it; <see cref="GemmaBpeModel"/> copies what it keeps.</remarks>
internal sealed class BpeModelData
{
    public BpeModelData(string source)
    {
        Source = source;
    }

    /// <summary>Gets the file (or stream) the data came from, for error messages.</summary>
    public string Source { get; }

    /// <summary>Gets the BPE vocabulary: piece to id.</summary>
    public Dictionary<string, int> Vocabulary { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets the merges in rank order, keyed by <c>(leftId &lt;&lt; 32) | rightId</c> and valued <c>(rank &lt;&lt; 32) | mergedId</c>.
    /// A repeated pair keeps its last rank (<see cref="MergeTable"/> overwrites), as Hugging Face's map does.
    /// </summary>
    public List<KeyValuePair<long, long>> Merges { get; } = [];

    /// <summary>Gets the added tokens, special or not.</summary>
    public List<AddedTokenSpec> AddedTokens { get; } = [];

    /// <summary>Gets or sets the unknown token, or <see langword="null"/> when the model has none.</summary>
    public string? UnknownToken { get; set; }

    /// <summary>Gets or sets a value indicating whether unknown chars fall back to <c>&lt;0xXX&gt;</c> byte tokens.</summary>
    public bool ByteFallback { get; set; }

    /// <summary>Gets or sets a value indicating whether consecutive unknown chars become one unknown token.</summary>
    public bool FuseUnknown { get; set; }

    /// <summary>
    /// Checks every added token's id: from 0 up to the largest vocabulary id plus the number of added tokens, since
    /// Hugging Face numbers added tokens after the vocabulary. A larger id would size the token table by it.
    /// </summary>
    /// <param name="describe">Names added token <c>i</c> for the message: its file and entry.</param>
    /// <exception cref="InvalidDataException">An id is out of range; the message names the token's file and entry.</exception>
    public void CheckAddedTokenIds(Func<int, string> describe)
    {
        long limit = (Vocabulary.Count == 0 ? 0L : Vocabulary.Values.Max() + 1L) + AddedTokens.Count;
        for (int i = 0; i < AddedTokens.Count; i++)
        {
            AddedTokenSpec token = AddedTokens[i];
            if (token.Id < 0 || token.Id >= limit)
            {
                throw new InvalidDataException(
                    $"{describe(i)} ('{token.Content}') has id {token.Id}, outside 0..{limit - 1} (the vocabulary's ids, then one per added token).");
            }
        }
    }

    /// <summary>Packs a merge key.</summary>
    public static long MergeKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Packs a merge value.</summary>
    public static long MergeValue(int rank, int mergedId) => ((long)rank << 32) | (uint)mergedId;
}
