using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma;

/// <summary>
/// Typed roles over any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> pipeline that ends in EmbeddingGemma:
/// queries and documents get their prompts without the caller building options.
/// </summary>
public static class EmbeddingGemmaGeneratorExtensions
{
    /// <summary>Embeds one search query with the query prompt.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="query"/> is null.</exception>
    public static async Task<Embedding<float>> GenerateQueryEmbeddingAsync(
        this IEmbeddingGenerator<string, Embedding<float>> generator, string query, int? dimensions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        GeneratedEmbeddings<Embedding<float>> result = await GenerateQueryEmbeddingsAsync(generator, [query], dimensions, cancellationToken).ConfigureAwait(false);
        return result[0];
    }

    /// <summary>Embeds search queries with the query prompt.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="queries"/> is null.</exception>
    public static Task<GeneratedEmbeddings<Embedding<float>>> GenerateQueryEmbeddingsAsync(
        this IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<string> queries, int? dimensions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(queries);
        return generator.GenerateAsync(queries, EmbeddingGemmaGenerationOptions.ForQuery(dimensions), cancellationToken);
    }

    /// <summary>Embeds one document with the document prompt and an optional title.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="document"/> is null.</exception>
    public static async Task<Embedding<float>> GenerateDocumentEmbeddingAsync(
        this IEmbeddingGenerator<string, Embedding<float>> generator, string document, string? title = null, int? dimensions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        GeneratedEmbeddings<Embedding<float>> result = await GenerateDocumentEmbeddingsAsync(
            generator, [document], title is null ? null : [title], dimensions, cancellationToken).ConfigureAwait(false);
        return result[0];
    }

    /// <summary>Embeds documents with the document prompt, each with an optional title.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="documents">The documents.</param>
    /// <param name="titles">One title per document (null entries mean none), or null for none at all.</param>
    /// <param name="dimensions">A Matryoshka width, or null for the generator's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="documents"/> is null.</exception>
    public static Task<GeneratedEmbeddings<Embedding<float>>> GenerateDocumentEmbeddingsAsync(
        this IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<string> documents, IEnumerable<string?>? titles = null,
        int? dimensions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(documents);
        return generator.GenerateAsync(documents, EmbeddingGemmaGenerationOptions.ForDocuments(titles, dimensions), cancellationToken);
    }

    /// <summary>Embeds inputs with a named task prompt (see <see cref="EmbeddingGemmaPromptNames"/>).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static Task<GeneratedEmbeddings<Embedding<float>>> GenerateWithPromptAsync(
        this IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<string> values, string promptName,
        int? dimensions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(values);
        return generator.GenerateAsync(values, EmbeddingGemmaGenerationOptions.ForPrompt(promptName, dimensions), cancellationToken);
    }

    /// <summary>
    /// Embeds a stream of inputs in chunks, yielding embeddings in input order as each chunk finishes, so a corpus of any
    /// size is embedded with bounded memory.
    /// </summary>
    /// <param name="generator">The generator.</param>
    /// <param name="values">The inputs, read lazily.</param>
    /// <param name="options">The options of every chunk (prompt, dimensions).</param>
    /// <param name="chunkSize">Inputs per generator call; large enough for full batches. The default is 256.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is below 1.</exception>
    public static IAsyncEnumerable<Embedding<float>> GenerateStreamingAsync(
        this IEmbeddingGenerator<string, Embedding<float>> generator, IAsyncEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        int chunkSize = 256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return Stream(generator, values, options, chunkSize, cancellationToken);

        static async IAsyncEnumerable<Embedding<float>> Stream(
            IEmbeddingGenerator<string, Embedding<float>> generator, IAsyncEnumerable<string> values, EmbeddingGenerationOptions? options,
            int chunkSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var chunk = new List<string>(chunkSize);
            await foreach (string value in values.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(value);
                if (chunk.Count == chunkSize)
                {
                    foreach (Embedding<float> embedding in await generator.GenerateAsync(chunk, options, cancellationToken).ConfigureAwait(false))
                    {
                        yield return embedding;
                    }

                    chunk.Clear();
                }
            }

            if (chunk.Count > 0)
            {
                foreach (Embedding<float> embedding in await generator.GenerateAsync(chunk, options, cancellationToken).ConfigureAwait(false))
                {
                    yield return embedding;
                }
            }
        }
    }
}
