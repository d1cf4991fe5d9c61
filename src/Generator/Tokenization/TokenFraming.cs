namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// The special tokens a <see cref="GemmaTokenizer"/> puts around every encoded text, as a Hugging Face
/// <c>TemplateProcessing</c> post-processor of the form <c>&lt;bos&gt;? $A &lt;eos&gt;?</c> does.
/// </summary>
/// <param name="AddBeginningOfSentence">Whether <c>&lt;bos&gt;</c> is prepended.</param>
/// <param name="AddEndOfSentence">Whether <c>&lt;eos&gt;</c> is appended.</param>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed record TokenFraming(bool AddBeginningOfSentence, bool AddEndOfSentence)
{
    /// <summary>Gets EmbeddingGemma's framing, <c>&lt;bos&gt; $A &lt;eos&gt;</c>.</summary>
    public static TokenFraming EmbeddingGemma { get; } = new(true, true);

    /// <summary>Gets the number of special tokens this framing adds to a text.</summary>
    public int Count => (AddBeginningOfSentence ? 1 : 0) + (AddEndOfSentence ? 1 : 0);
}
