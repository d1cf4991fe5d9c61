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
}
