using Microsoft.SemanticKernel.Data;

// TextSearchProvider and TextSearchStore (SK 1.82) still speak the non-generic ITextSearch, now marked obsolete.
#pragma warning disable CS0618

namespace SkEmbeddingGemma;

/// <summary>
/// Runs every search of an <see cref="ITextSearch"/> inside an <see cref="EmbeddingGemmaPromptScope"/>, and reads the
/// results before the scope ends, so the query is embedded with the scope's prompt however lazily the inner search works.
/// </summary>
internal sealed class PromptScopedTextSearch(ITextSearch inner, string promptName) : ITextSearch
{
    public Task<KernelSearchResults<string>> SearchAsync(string query, TextSearchOptions? searchOptions = null, CancellationToken cancellationToken = default) =>
        RunAsync(() => inner.SearchAsync(query, searchOptions, cancellationToken), cancellationToken);

    public Task<KernelSearchResults<TextSearchResult>> GetTextSearchResultsAsync(string query, TextSearchOptions? searchOptions = null, CancellationToken cancellationToken = default) =>
        RunAsync(() => inner.GetTextSearchResultsAsync(query, searchOptions, cancellationToken), cancellationToken);

    public Task<KernelSearchResults<object>> GetSearchResultsAsync(string query, TextSearchOptions? searchOptions = null, CancellationToken cancellationToken = default) =>
        RunAsync(() => inner.GetSearchResultsAsync(query, searchOptions, cancellationToken), cancellationToken);

    private async Task<KernelSearchResults<T>> RunAsync<T>(Func<Task<KernelSearchResults<T>>> search, CancellationToken cancellationToken)
    {
        using IDisposable scope = EmbeddingGemmaPromptScope.Begin(promptName);
        KernelSearchResults<T> results = await search().ConfigureAwait(false);
        var items = new List<T>();
        await foreach (T item in results.Results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            items.Add(item);
        }

        return new KernelSearchResults<T>(ToAsync(items), results.TotalCount, results.Metadata);
    }

#pragma warning disable CS1998 // An async iterator over a list needs no await.
    private static async IAsyncEnumerable<T> ToAsync<T>(List<T> items)
#pragma warning restore CS1998
    {
        foreach (T item in items)
        {
            yield return item;
        }
    }
}
