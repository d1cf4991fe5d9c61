using System.Runtime.CompilerServices;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Finds added tokens in raw text with leftmost-longest semantics, like the Aho-Corasick
/// <c>LeftmostLongest</c> matcher Hugging Face tokenizers uses to split on added tokens.
/// </summary>
/// <remarks>Immutable after construction and thread-safe.</remarks>
internal sealed class AddedTokenMatcher
{
    // Trie edges keyed by (node << 16 | char); node 0 is the root.
    private readonly Dictionary<long, int> _edges;
    private readonly int[] _tokenIds;
    // Chars that start some token: most positions in a text are rejected with one array read.
    private readonly bool[] _isFirstChar;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    public AddedTokenMatcher(IEnumerable<KeyValuePair<string, int>> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _edges = [];
        _isFirstChar = new bool[char.MaxValue + 1];
        var tokenIds = new List<int> { -1 };
        foreach ((string content, int id) in tokens)
        {
            if (content.Length == 0)
            {
                continue;
            }

            _isFirstChar[content[0]] = true;
            int node = 0;
            foreach (char c in content)
            {
                long key = ((long)node << 16) | c;
                if (!_edges.TryGetValue(key, out int child))
                {
                    child = tokenIds.Count;
                    tokenIds.Add(-1);
                    _edges.Add(key, child);
                }

                node = child;
            }

            tokenIds[node] = id;
        }

        _tokenIds = [.. tokenIds];
        Count = _edges.Count == 0 ? 0 : tokenIds.Count(static id => id >= 0);
    }

    /// <summary>Gets the number of distinct tokens the matcher knows.</summary>
    public int Count { get; }

    /// <summary>
    /// Finds the leftmost match at or after <paramref name="start"/>, preferring the longest token there.
    /// </summary>
    /// <returns><see langword="true"/> when a token was found.</returns>
    public bool TryFindNext(ReadOnlySpan<char> text, int start, out int matchIndex, out int matchLength, out int tokenId)
    {
        bool[] isFirstChar = _isFirstChar;
        for (int i = start; i < text.Length; i++)
        {
            if (!isFirstChar[text[i]])
            {
                continue;
            }

            int node = 0;
            int bestLength = 0;
            int bestId = -1;
            for (int j = i; j < text.Length; j++)
            {
                if (!_edges.TryGetValue(((long)node << 16) | text[j], out node))
                {
                    break;
                }

                if (_tokenIds[node] >= 0)
                {
                    bestLength = j - i + 1;
                    bestId = _tokenIds[node];
                }
            }

            if (bestId >= 0)
            {
                matchIndex = i;
                matchLength = bestLength;
                tokenId = bestId;
                return true;
            }
        }

        matchIndex = text.Length;
        matchLength = 0;
        tokenId = -1;
        return false;
    }
}
