using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>
/// Builds <see cref="EmbeddingGenerationOptions"/> that select EmbeddingGemma's prompts through
/// <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>, so the role survives caching, logging and telemetry
/// middleware. Other generators ignore the keys.
/// </summary>
public static class EmbeddingGemmaGenerationOptions
{
    /// <summary>Options for search queries (<c>task: search result | query: </c>).</summary>
    /// <param name="dimensions">A Matryoshka width, or null for the generator's default.</param>
    public static EmbeddingGenerationOptions ForQuery(int? dimensions = null) =>
        ForPrompt(EmbeddingGemmaPromptNames.Query, dimensions);

    /// <summary>Options for documents (<c>title: {title or none} | text: </c>).</summary>
    /// <param name="titles">One title per input (null entries mean none), or null for no titles.</param>
    /// <param name="dimensions">A Matryoshka width, or null for the generator's default.</param>
    public static EmbeddingGenerationOptions ForDocuments(IEnumerable<string?>? titles = null, int? dimensions = null)
    {
        EmbeddingGenerationOptions options = ForPrompt(EmbeddingGemmaPromptNames.Document, dimensions);
        if (titles is not null)
        {
            options.AdditionalProperties![EmbeddingGemmaPropertyNames.Title] = titles.ToArray();
        }

        return options;
    }

    /// <summary>Options for a named prompt (see <see cref="EmbeddingGemmaPromptNames"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="promptName"/> is null.</exception>
    public static EmbeddingGenerationOptions ForPrompt(string promptName, int? dimensions = null)
    {
        ArgumentNullException.ThrowIfNull(promptName);
        return new EmbeddingGenerationOptions
        {
            Dimensions = dimensions,
            AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = promptName },
        };
    }

    /// <summary>Options for a custom prompt text prepended to every input, such as <c>task: my task | query: </c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    public static EmbeddingGenerationOptions ForRawPrompt(string prompt, int? dimensions = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new EmbeddingGenerationOptions
        {
            Dimensions = dimensions,
            AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.Prompt] = prompt },
        };
    }
}
