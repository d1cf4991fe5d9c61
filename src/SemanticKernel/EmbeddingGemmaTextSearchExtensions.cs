using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel.Data;

// TextSearchProvider and TextSearchStore (SK 1.82) still speak the non-generic ITextSearch, now marked obsolete;
// VectorStoreTextSearch is experimental (SKEXP0001).
#pragma warning disable CS0618, SKEXP0001

namespace SkEmbeddingGemma;

/// <summary>
/// Applies EmbeddingGemma's prompts on the right side of Semantic Kernel's text search: queries get the query prompt,
/// stored text the document prompt.
/// </summary>
/// <remarks>
/// Vector stores call their generator without options, for upserts and for searches alike. Give the store (or collection)
/// <c>generator.AsDocumentGenerator()</c>, then wrap searches: a <see cref="TextSearchStore{TKey}"/> or any
/// <see cref="ITextSearch"/> with <see cref="WithQueryPrompt"/>, or build a <see cref="VectorStoreTextSearch{TRecord}"/> with
/// <see cref="CreateTextSearch{TRecord}"/>, which embeds the query itself with the query prompt.
/// </remarks>
public static class EmbeddingGemmaTextSearchExtensions
{
    /// <summary>
    /// Returns a text search whose queries are embedded with <paramref name="promptName"/> (by default the query prompt),
    /// for searches over stores whose generator is document-side, such as <see cref="TextSearchStore{TKey}"/>; use it with
    /// <see cref="TextSearchProvider"/> and the search plugins.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="textSearch"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="promptName"/> is null or blank.</exception>
    public static ITextSearch WithQueryPrompt(this ITextSearch textSearch, string promptName = EmbeddingGemmaPromptNames.Query)
    {
        ArgumentNullException.ThrowIfNull(textSearch);
        ArgumentException.ThrowIfNullOrWhiteSpace(promptName);
        return new PromptScopedTextSearch(textSearch, promptName);
    }

    /// <summary>
    /// Creates a <see cref="VectorStoreTextSearch{TRecord}"/> over <paramref name="collection"/> (any VectorData store) that
    /// embeds queries with the query prompt through <paramref name="generator"/>.
    /// </summary>
    /// <param name="generator">An EmbeddingGemma generator (pipeline); the query prompt is added to calls that name none.</param>
    /// <param name="collection">The collection to search; its records were embedded with the document prompt.</param>
    /// <param name="stringMapper">Maps a record to a string; null for the record's <c>[TextSearchResultValue]</c> property.</param>
    /// <param name="resultMapper">Maps a record to a <see cref="TextSearchResult"/>; null for its attributes.</param>
    /// <param name="options">The text search's options; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="collection"/> is null.</exception>
    public static VectorStoreTextSearch<TRecord> CreateTextSearch<TRecord>(
        this IEmbeddingGenerator<string, Embedding<float>> generator, IVectorSearchable<TRecord> collection,
        ITextSearchStringMapper? stringMapper = null, ITextSearchResultMapper? resultMapper = null, VectorStoreTextSearchOptions? options = null)
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(collection);
        return new VectorStoreTextSearch<TRecord>(collection, generator.AsQueryGenerator(), stringMapper, resultMapper, options);
    }
}
