using System.Runtime.CompilerServices;
using System.Text;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// The encoding engine: Hugging Face tokenizers' added-token split followed by its BPE model
/// (<c>byte_fallback</c>, <c>fuse_unk</c>, lowest merge rank first, ties to the left).
/// </summary>
/// <remarks>Immutable after construction and thread-safe; scratch memory is rented per call.</remarks>
internal sealed class GemmaBpeModel
{
    private const char SpaceSymbol = '\u2581';

    private readonly string?[] _tokens;
    private readonly short[] _byteValueById;
    private readonly int[] _bmpIds;
    private readonly Dictionary<int, int> _supplementaryIds;
    private readonly int[] _byteIds;
    private readonly MergeTable _merges;
    private readonly AddedTokenMatcher _addedTokens;
    private readonly int _unknownId;
    private readonly bool _byteFallback;
    private readonly bool _fuseUnknown;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    public GemmaBpeModel(BpeModelData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = 0;
        foreach (int id in data.Vocabulary.Values)
        {
            size = Math.Max(size, id + 1);
        }

        foreach (AddedTokenSpec token in data.AddedTokens)
        {
            size = Math.Max(size, token.Id + 1);
        }

        _tokens = new string?[size];
        _byteValueById = new short[size];
        Array.Fill(_byteValueById, (short)-1);
        _bmpIds = new int[char.MaxValue + 1];
        Array.Fill(_bmpIds, -1);
        _supplementaryIds = [];
        _byteIds = new int[256];
        Array.Fill(_byteIds, -1);
        foreach ((string piece, int id) in data.Vocabulary)
        {
            if (id < 0)
            {
                throw new InvalidDataException($"{data.Source}: token '{piece}' has the negative id {id}.");
            }

            _tokens[id] = piece;
            if (piece.Length == 1)
            {
                _bmpIds[piece[0]] = id;
            }
            else if (piece.Length == 2 && char.IsSurrogatePair(piece[0], piece[1]))
            {
                _supplementaryIds[char.ConvertToUtf32(piece[0], piece[1])] = id;
            }
            else if (TryParseBytePiece(piece, out byte value))
            {
                _byteIds[value] = id;
                _byteValueById[id] = value;
            }
        }

        var added = new List<KeyValuePair<string, int>>(data.AddedTokens.Count);
        foreach (AddedTokenSpec token in data.AddedTokens)
        {
            _tokens[token.Id] ??= token.Content;
            added.Add(new(token.Content, token.Id));
        }

        _addedTokens = new AddedTokenMatcher(added);
        _merges = new MergeTable(data.Merges);
        _byteFallback = data.ByteFallback;
        _fuseUnknown = data.FuseUnknown;
        _unknownId = data.UnknownToken is not null && data.Vocabulary.TryGetValue(data.UnknownToken, out int unk) ? unk : -1;
        if (data.UnknownToken is not null && _unknownId < 0)
        {
            throw new InvalidDataException($"{data.Source}: the unknown token '{data.UnknownToken}' is not in the vocabulary.");
        }

        BeginningOfSentenceId = RequireToken(data, "<bos>");
        EndOfSentenceId = RequireToken(data, "<eos>");
        PaddingId = RequireToken(data, "<pad>");
        AddedTokenCount = _addedTokens.Count;
    }

    public int BeginningOfSentenceId { get; }

    public int EndOfSentenceId { get; }

    public int PaddingId { get; }

    public int VocabularySize => _tokens.Length;

    public int AddedTokenCount { get; }

    public int MergeCount => _merges.Count;

    /// <summary>Gets the text of a token, or <see langword="null"/> for an id with no token.</summary>
    public string? GetToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    /// <summary>Appends the ids (and, when asked, the char ranges in <paramref name="text"/>) of raw text.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids, List<(int Index, int Length)>? offsets)
    {
        var scratch = new BpeScratch();
        try
        {
            int position = 0;
            while (position < text.Length)
            {
                if (!_addedTokens.TryFindNext(text, position, out int matchIndex, out int matchLength, out int tokenId))
                {
                    EncodeSegment(text[position..], position, ref scratch, ids, offsets);
                    break;
                }

                if (matchIndex > position)
                {
                    EncodeSegment(text[position..matchIndex], position, ref scratch, ids, offsets);
                }

                ids.Add(tokenId);
                offsets?.Add((matchIndex, matchLength));
                position = matchIndex + matchLength;
            }
        }
        finally
        {
            scratch.Return();
        }
    }

    /// <summary>Decodes ids the way Gemma's Hugging Face decoder does: ▁ to space, byte fallback, fuse.</summary>
    public void Decode(IEnumerable<int> ids, StringBuilder destination)
    {
        Span<byte> pending = stackalloc byte[64];
        int pendingCount = 0;
        foreach (int id in ids)
        {
            int byteValue = (uint)id < (uint)_byteValueById.Length ? _byteValueById[id] : -1;
            if (byteValue >= 0)
            {
                if (pendingCount == pending.Length)
                {
                    FlushBytes(pending[..pendingCount], destination);
                    pendingCount = 0;
                }

                pending[pendingCount++] = (byte)byteValue;
                continue;
            }

            if (pendingCount > 0)
            {
                FlushBytes(pending[..pendingCount], destination);
                pendingCount = 0;
            }

            string? token = GetToken(id);
            if (token is not null)
            {
                int start = destination.Length;
                destination.Append(token);
                destination.Replace(SpaceSymbol, ' ', start, token.Length);
            }
        }

        if (pendingCount > 0)
        {
            FlushBytes(pending[..pendingCount], destination);
        }
    }

    private static void FlushBytes(ReadOnlySpan<byte> bytes, StringBuilder destination)
    {
        // Hugging Face's ByteFallback decoder: valid UTF-8 becomes its text, otherwise one U+FFFD per byte.
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            destination.Append(Encoding.UTF8.GetString(bytes));
        }
        else
        {
            destination.Append('\uFFFD', bytes.Length);
        }
    }

    private void EncodeSegment(ReadOnlySpan<char> segment, int offset, ref BpeScratch s, List<int> ids, List<(int Index, int Length)>? offsets)
    {
        // Usually one symbol per char; byte fallback can add more, and BpeScratch.Add grows the buffers then.
        s.EnsureCapacity(segment.Length + 4, 0);
        int count = 0;
        bool pendingUnknown = false;
        int unknownStart = 0;
        int unknownEnd = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < segment.Length;)
        {
            int charStart = i;
            char c = segment[i];
            int id;
            int scalar;
            if (char.IsHighSurrogate(c) && i + 1 < segment.Length && char.IsLowSurrogate(segment[i + 1]))
            {
                scalar = char.ConvertToUtf32(c, segment[i + 1]);
                id = _supplementaryIds.TryGetValue(scalar, out int found) ? found : -1;
                i += 2;
            }
            else
            {
                // The normalizer maps ' ' to '▁'; a lone surrogate becomes U+FFFD, as UTF-8 conversion does.
                scalar = c == ' ' ? SpaceSymbol : char.IsSurrogate(c) ? '\uFFFD' : c;
                id = _bmpIds[scalar];
                i++;
            }

            if (id >= 0)
            {
                if (pendingUnknown)
                {
                    s.Add(ref count, _unknownId, unknownStart, unknownEnd);
                    pendingUnknown = false;
                }

                s.Add(ref count, id, charStart, i);
                continue;
            }

            if (_byteFallback && TryAddBytes(scalar, utf8, ref s, ref count, charStart, i))
            {
                // Like Hugging Face, byte tokens do not flush a pending unknown token first.
                continue;
            }

            if (_unknownId >= 0)
            {
                if (pendingUnknown && _fuseUnknown)
                {
                    unknownEnd = i;
                }
                else
                {
                    if (pendingUnknown)
                    {
                        s.Add(ref count, _unknownId, unknownStart, unknownEnd);
                    }

                    pendingUnknown = true;
                    unknownStart = charStart;
                    unknownEnd = i;
                }
            }
        }

        if (pendingUnknown)
        {
            s.Add(ref count, _unknownId, unknownStart, unknownEnd);
        }

        int first = count > 1 ? _merges.MergeAll(ref s, count) : 0;
        int[] symbolIds = s.Ids;
        int[] starts = s.Starts;
        int[] ends = s.Ends;
        int[] next = s.Next;
        for (int i = first; i >= 0 && i < count; i = count > 1 ? next[i] : -1)
        {
            ids.Add(symbolIds[i]);
            offsets?.Add((offset + starts[i], ends[i] - starts[i]));
        }
    }

    private bool TryAddBytes(int scalar, Span<byte> utf8, ref BpeScratch s, ref int count, int start, int end)
    {
        int length = new Rune(scalar).EncodeToUtf8(utf8);
        for (int b = 0; b < length; b++)
        {
            if (_byteIds[utf8[b]] < 0)
            {
                return false;
            }
        }

        for (int b = 0; b < length; b++)
        {
            s.Add(ref count, _byteIds[utf8[b]], start, end);
        }

        return true;
    }

    private static bool TryParseBytePiece(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }

    private static int RequireToken(BpeModelData data, string token)
    {
        if (data.Vocabulary.TryGetValue(token, out int id))
        {
            return id;
        }

        foreach (AddedTokenSpec added in data.AddedTokens)
        {
            if (added.Content == token)
            {
                return added.Id;
            }
        }

        throw new InvalidDataException($"{data.Source}: the tokenizer has no '{token}' token, so it is not a Gemma tokenizer.");
    }
}
