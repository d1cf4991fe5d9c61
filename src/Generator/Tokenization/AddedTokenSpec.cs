namespace SkEmbeddingGemma.Tokenization;

/// <summary>An added token: matched atomically in raw text before the BPE model sees it.</summary>
/// <param name="Content">The literal text of the token.</param>
/// <param name="Id">The token id.</param>
/// <param name="Special">Whether Hugging Face marks the token special (control tokens such as <c>&lt;bos&gt;</c>).</param>
internal readonly record struct AddedTokenSpec(string Content, int Id, bool Special);
