using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>Fixes the role of generator calls that come without one (see <see cref="EmbeddingGemmaPromptGenerator"/>).</summary>
public static class EmbeddingGemmaPromptGeneratorExtensions
{
    /// <summary>Returns a generator that embeds option-less calls as search queries (<c>task: search result | query: </c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> AsQueryGenerator(this IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator.WithDefaultPrompt(EmbeddingGemmaPromptNames.Query);

    /// <summary>Returns a generator that embeds option-less calls as documents (<c>title: none | text: </c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> AsDocumentGenerator(this IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator.WithDefaultPrompt(EmbeddingGemmaPromptNames.Document);

    /// <summary>Returns a generator that adds <paramref name="promptName"/> to calls that name no prompt.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="promptName"/> is null or blank.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> WithDefaultPrompt(
        this IEmbeddingGenerator<string, Embedding<float>> generator, string promptName)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new EmbeddingGemmaPromptGenerator(generator, promptName);
    }

    /// <summary>
    /// Adds an <see cref="EmbeddingGemmaPromptGenerator"/> at this point of a pipeline. Call it before
    /// <c>UseDistributedCache()</c>, so the role is part of the cache key.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="promptName"/> is null or blank.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseDefaultPrompt(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder, string promptName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(promptName);
        return builder.Use(inner => new EmbeddingGemmaPromptGenerator(inner, promptName));
    }
}
