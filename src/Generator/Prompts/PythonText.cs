namespace SkEmbeddingGemma.Prompts;

/// <summary>
/// Text rules of the reference pipeline: sentence-transformers tokenizes <c>str(prompt + text).strip()</c>, and
/// Python's <c>str.strip()</c> removes a different set of characters than <see cref="string.Trim()"/>.
/// </summary>
internal static class PythonText
{
    /// <summary>Whether Python's <c>str.isspace()</c> is true for a UTF-16 code unit (all such characters are in the BMP).</summary>
    public static bool IsWhiteSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\u001c' and <= ' ' => true,
        '\u0085' or '\u00a0' or '\u1680' => true,
        >= '\u2000' and <= '\u200a' => true,
        '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Python's <c>str.strip()</c> with no arguments.</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> text)
    {
        int start = 0;
        while (start < text.Length && IsWhiteSpace(text[start]))
        {
            start++;
        }

        int end = text.Length;
        while (end > start && IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }
}
