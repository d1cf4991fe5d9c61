namespace SkEmbeddingGemma.Batching;

/// <summary>One input after prompting and tokenization: its framed ids and where it came from.</summary>
/// <param name="Index">The input's position in the caller's list.</param>
/// <param name="Ids">The framed token ids (<c>&lt;bos&gt;</c> ... <c>&lt;eos&gt;</c>), truncated to the model's limit.</param>
/// <param name="Truncated">Whether tokens were cut to fit the limit.</param>
internal readonly record struct TokenizedInput(int Index, int[] Ids, bool Truncated);
