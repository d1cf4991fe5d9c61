namespace SkEmbeddingGemma;

/// <summary>
/// Keys of <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.AdditionalProperties"/> that select
/// EmbeddingGemma's prompt, so the role of a text survives any Microsoft.Extensions.AI pipeline.
/// </summary>
/// <remarks>Generators other than EmbeddingGemma ignore these keys.</remarks>
public static class EmbeddingGemmaPropertyNames
{
    /// <summary>
    /// The name of a prompt: <c>query</c>, <c>document</c>, or a task name such as <c>Clustering</c> or <c>STS</c>.
    /// The value is a <see cref="string"/>.
    /// </summary>
    public const string PromptName = "prompt_name";

    /// <summary>A raw prompt prepended to every input, used instead of a named one. The value is a <see cref="string"/>.</summary>
    public const string Prompt = "prompt";

    /// <summary>
    /// The title of a document (used by the <c>document</c> prompt: <c>title: {title} | text: </c>). The value is a
    /// <see cref="string"/>, or a list of strings with one title per input.
    /// </summary>
    public const string Title = "title";

    /// <summary>
    /// Which end of an over-long input truncation keeps, as Hugging Face tokenizers' <c>truncation_side</c> and Text
    /// Embeddings Inference's <c>truncation_direction</c>: <c>right</c> (the default) cuts the end, <c>left</c> cuts the
    /// start. The value is a <see cref="string"/>, compared ignoring case. Truncation applies to the prompt and text
    /// together, before <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> are added, so both always stay; with <c>left</c>, the
    /// prompt is what goes first.
    /// </summary>
    public const string TruncationDirection = "truncation_direction";
}
