using System.Runtime.CompilerServices;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Derives BPE merges from SentencePiece scores exactly as transformers' <c>generate_merges</c> does:
/// every split of a piece into two vocabulary pieces is a merge; merges sort by the piece's score, then by the
/// code-point lengths of left and right (all descending), ties keeping piece order and then (left id, right id).
/// </summary>
internal static class SentencePieceMerges
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    public static void Generate(List<(string Piece, float Score, int Type)> pieces, BpeModelData data)
    {
        var lookup = data.Vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        var candidates = new List<Candidate>(pieces.Count * 2);
        var local = new List<(int Left, int Right, int LeftLength, int RightLength)>();
        for (int id = 0; id < pieces.Count; id++)
        {
            (string piece, float score, _) = pieces[id];
            if (piece.Length < 2 || data.Vocabulary[piece] != id)
            {
                continue;
            }

            local.Clear();
            int leftLength = 0;
            int totalLength = CodePointCount(piece);
            for (int split = 1; split < piece.Length; split++)
            {
                // Python slices by code point: never split a surrogate pair.
                if (char.IsLowSurrogate(piece[split]) && char.IsHighSurrogate(piece[split - 1]))
                {
                    continue;
                }

                leftLength++;
                if (lookup.TryGetValue(piece.AsSpan(0, split), out int left) && lookup.TryGetValue(piece.AsSpan(split), out int right))
                {
                    local.Add((left, right, leftLength, totalLength - leftLength));
                }
            }

            local.Sort(static (a, b) => a.Left != b.Left ? a.Left.CompareTo(b.Left) : a.Right.CompareTo(b.Right));
            foreach ((int left, int right, int l, int r) in local)
            {
                candidates.Add(new Candidate(score, l, r, candidates.Count, left, right, id));
            }
        }

        candidates.Sort(static (a, b) =>
            a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : a.LeftLength != b.LeftLength ? b.LeftLength.CompareTo(a.LeftLength)
            : a.RightLength != b.RightLength ? b.RightLength.CompareTo(a.RightLength)
            : a.Order.CompareTo(b.Order));
        data.Merges.EnsureCapacity(candidates.Count);
        for (int rank = 0; rank < candidates.Count; rank++)
        {
            Candidate c = candidates[rank];
            data.Merges.Add(new(BpeModelData.MergeKey(c.Left, c.Right), BpeModelData.MergeValue(rank, c.Merged)));
        }
    }

    private static int CodePointCount(string text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!(char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1])))
            {
                count++;
            }
        }

        return count;
    }

    private readonly record struct Candidate(float Score, int LeftLength, int RightLength, int Order, int Left, int Right, int Merged);
}
