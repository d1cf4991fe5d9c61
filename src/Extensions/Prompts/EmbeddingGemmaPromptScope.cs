namespace SkEmbeddingGemma;

/// <summary>
/// An ambient prompt name for the current async flow, read by <see cref="EmbeddingGemmaPromptGenerator"/>: the way to give
/// a role to calls made by code that passes no options, such as a vector store embedding a search string.
/// </summary>
/// <remarks>
/// <code>using (EmbeddingGemmaPromptScope.Begin(EmbeddingGemmaPromptNames.Query)) { await collection.SearchAsync("...", 3).ToListAsync(); }</code>
/// Scopes nest; disposing one restores the outer name. Thread-safe: each async flow sees its own name.
/// </remarks>
public static class EmbeddingGemmaPromptScope
{
    private static readonly AsyncLocal<string?> s_current = new();

    /// <summary>Gets the innermost active prompt name, or null outside any scope.</summary>
    public static string? Current => s_current.Value;

    /// <summary>Makes <paramref name="promptName"/> the ambient prompt name until the result is disposed.</summary>
    /// <exception cref="ArgumentException"><paramref name="promptName"/> is null or blank.</exception>
    public static IDisposable Begin(string promptName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(promptName);
        string? previous = s_current.Value;
        s_current.Value = promptName;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                s_current.Value = previous;
            }
        }
    }
}
