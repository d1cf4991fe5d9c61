using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>
/// Gives a role to calls that come without one: when the options name neither a prompt nor a prompt name (see
/// <see cref="EmbeddingGemmaPropertyNames"/>), it adds the prompt name of the active <see cref="EmbeddingGemmaPromptScope"/>,
/// else its own. Made for callers that pass no options, such as Microsoft.Extensions.VectorData stores and Semantic Kernel.
/// </summary>
/// <remarks>
/// Put it outside a caching layer (apply it to the resolved pipeline), so the cache key sees the role. The caller's
/// options are cloned, never changed. Thread-safe when the inner generator is.
/// </remarks>
public sealed class EmbeddingGemmaPromptGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Wraps <paramref name="innerGenerator"/> with a default prompt name.</summary>
    /// <param name="innerGenerator">The generator to call (an EmbeddingGemma pipeline).</param>
    /// <param name="promptName">The prompt name to add, such as <see cref="EmbeddingGemmaPromptNames.Query"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="promptName"/> is null or blank.</exception>
    public EmbeddingGemmaPromptGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, string promptName)
        : base(innerGenerator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(promptName);
        PromptName = promptName;
    }

    /// <summary>Gets the prompt name added when neither the caller nor a scope names one.</summary>
    public string PromptName { get; }

    /// <inheritdoc />
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return base.GenerateAsync(values, WithRole(options, EmbeddingGemmaPromptScope.Current ?? PromptName), cancellationToken);
    }

    internal static EmbeddingGenerationOptions WithRole(EmbeddingGenerationOptions? options, string promptName)
    {
        if (options?.AdditionalProperties is { } properties &&
            (properties.ContainsKey(EmbeddingGemmaPropertyNames.PromptName) || properties.ContainsKey(EmbeddingGemmaPropertyNames.Prompt)))
        {
            return options;
        }

        EmbeddingGenerationOptions result = options?.Clone() ?? new EmbeddingGenerationOptions();
        result.AdditionalProperties = result.AdditionalProperties is { } existing
            ? new AdditionalPropertiesDictionary(existing)
            : [];
        result.AdditionalProperties[EmbeddingGemmaPropertyNames.PromptName] = promptName;
        return result;
    }
}
