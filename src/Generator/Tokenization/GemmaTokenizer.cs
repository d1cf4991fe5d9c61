using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// The Gemma 3 tokenizer (SentencePiece BPE with byte fallback), giving the same ids as Hugging Face tokenizers.
/// </summary>
/// <remarks>
/// <para>
/// Encoding follows Hugging Face: the raw text is split on added tokens (leftmost-longest), each other segment has
/// <c>' '</c> replaced by <c>'▁'</c> and is BPE-encoded as one word, and the result is framed (<see cref="Framing"/>).
/// A lone UTF-16 surrogate is encoded as U+FFFD, which is what converting .NET text to UTF-8 for Hugging Face yields.
/// </para>
/// <para>
/// As a <see cref="Tokenizer"/>, ids and counts include the framing, as <see cref="SentencePieceTokenizer"/> does with its
/// beginning/end-of-sentence flags, and truncation keeps <c>&lt;eos&gt;</c> and never splits a char's byte tokens.
/// The normalization is a one-for-one char replacement applied while encoding, so offsets index the original text,
/// <see cref="EncodeResults{T}.NormalizedText"/> is always <see langword="null"/>, and the
/// <c>considerNormalization</c>/<c>considerPreTokenization</c> flags change nothing.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed partial class GemmaTokenizer : Tokenizer
{
    private readonly GemmaBpeModel _model;

    private GemmaTokenizer(GemmaBpeModel model, TokenFraming framing)
    {
        _model = model;
        Framing = framing;
    }

    /// <summary>Gets the id of <c>&lt;bos&gt;</c>.</summary>
    public int BeginningOfSentenceId => _model.BeginningOfSentenceId;

    /// <summary>Gets the id of <c>&lt;eos&gt;</c>.</summary>
    public int EndOfSentenceId => _model.EndOfSentenceId;

    /// <summary>Gets the id of <c>&lt;pad&gt;</c>.</summary>
    public int PaddingId => _model.PaddingId;

    /// <summary>Gets the special tokens put around every text.</summary>
    public TokenFraming Framing { get; }

    /// <summary>Gets the number of ids, added tokens included (262,145 for Gemma 3, whose <c>&lt;image_soft_token&gt;</c> lies past the vocabulary).</summary>
    public int VocabularySize => _model.VocabularySize;

    /// <summary>Appends the ids of <paramref name="text"/>, without framing, to <paramref name="destination"/>.</summary>
    /// <param name="text">The raw text.</param>
    /// <param name="destination">The list the ids are appended to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void AppendTextIds(ReadOnlySpan<char> text, List<int> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _model.Encode(text, destination, null);
    }

    /// <summary>
    /// Encodes <paramref name="text"/> with its framing, truncated to <paramref name="maxTokenCount"/> ids while keeping
    /// <c>&lt;eos&gt;</c>: <c>&lt;bos&gt;</c>, the first text ids that fit, <c>&lt;eos&gt;</c>.
    /// </summary>
    /// <param name="text">The raw text.</param>
    /// <param name="maxTokenCount">The most ids to return, framing included; <see cref="int.MaxValue"/> for no limit.</param>
    /// <param name="tokenCountBeforeTruncation">The framed id count before truncation.</param>
    /// <returns>The framed ids.</returns>
    /// <remarks>Truncation cuts ids exactly as Hugging Face's does, even between the byte tokens of one char.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokenCount"/> is smaller than the framing's token count.</exception>
    public int[] EncodeFramed(ReadOnlySpan<char> text, int maxTokenCount, out int tokenCountBeforeTruncation) =>
        EncodeFramed(text, maxTokenCount, keepEnd: false, out tokenCountBeforeTruncation);

    /// <summary>
    /// Encodes <paramref name="text"/> with its framing, truncated to <paramref name="maxTokenCount"/> ids from the side
    /// Hugging Face tokenizers' <c>truncation_side</c> names: the text ids are cut before the framing is added, so
    /// <c>&lt;bos&gt;</c> stays first and <c>&lt;eos&gt;</c> last either way; <paramref name="keepEnd"/> keeps the last
    /// text ids (left truncation) instead of the first.
    /// </summary>
    internal int[] EncodeFramed(ReadOnlySpan<char> text, int maxTokenCount, bool keepEnd, out int tokenCountBeforeTruncation)
    {
        int framingCount = Framing.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokenCount, Math.Max(framingCount, 0));
        var ids = new List<int>(Math.Min(text.Length, 1 << 16) / 3 + 8);
        _model.Encode(text, ids, null);
        tokenCountBeforeTruncation = ids.Count + framingCount;
        int kept = Math.Min(ids.Count, maxTokenCount - framingCount);
        int[] result = new int[kept + framingCount];
        int at = 0;
        if (Framing.AddBeginningOfSentence)
        {
            result[at++] = BeginningOfSentenceId;
        }

        ids.CopyTo(keepEnd ? ids.Count - kept : 0, result, at, kept);
        if (Framing.AddEndOfSentence)
        {
            result[^1] = EndOfSentenceId;
        }

        return result;
    }

    /// <inheritdoc/>
    /// <remarks>Framing tokens are included; truncation to <see cref="EncodeSettings.MaxTokenCount"/> keeps <c>&lt;eos&gt;</c> and never splits a char.</remarks>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        var ids = new List<int>();
        var offsets = new List<(int Index, int Length)>();
        _model.Encode(span, ids, offsets);
        int kept = KeepFromStart(offsets, settings.MaxTokenCount);
        int consumed = kept == offsets.Count ? span.Length : kept == 0 ? 0 : offsets[kept - 1].Index + offsets[kept - 1].Length;
        var tokens = new List<EncodedToken>(kept + Framing.Count);
        if (Framing.AddBeginningOfSentence)
        {
            tokens.Add(new EncodedToken(BeginningOfSentenceId, _model.GetToken(BeginningOfSentenceId)!, new Range(0, 0)));
        }

        for (int i = 0; i < kept; i++)
        {
            (int index, int length) = offsets[i];
            tokens.Add(new EncodedToken(ids[i], _model.GetToken(ids[i]) ?? string.Empty, new Range(index, index + length)));
        }

        if (Framing.AddEndOfSentence)
        {
            tokens.Add(new EncodedToken(EndOfSentenceId, _model.GetToken(EndOfSentenceId)!, new Range(consumed, consumed)));
        }

        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = consumed };
    }

    /// <inheritdoc/>
    /// <remarks>Framing ids are included; truncation to <see cref="EncodeSettings.MaxTokenCount"/> keeps <c>&lt;eos&gt;</c> and never splits a char.</remarks>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        var ids = new List<int>(span.Length / 3 + 8);
        int consumed = span.Length;
        if (Framing.AddBeginningOfSentence)
        {
            ids.Add(BeginningOfSentenceId);
        }

        if (settings.MaxTokenCount == int.MaxValue)
        {
            _model.Encode(span, ids, null);
        }
        else
        {
            var textIds = new List<int>();
            var offsets = new List<(int Index, int Length)>();
            _model.Encode(span, textIds, offsets);
            int kept = KeepFromStart(offsets, settings.MaxTokenCount);
            consumed = kept == offsets.Count ? span.Length : kept == 0 ? 0 : offsets[kept - 1].Index + offsets[kept - 1].Length;
            ids.AddRange(textIds.GetRange(0, kept));
        }

        if (Framing.AddEndOfSentence)
        {
            ids.Add(EndOfSentenceId);
        }

        return new EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = consumed };
    }

    /// <inheritdoc/>
    /// <remarks>The count includes the framing tokens.</remarks>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        var ids = new List<int>(span.Length / 3 + 8);
        _model.Encode(span, ids, null);
        int count = ids.Count + Framing.Count;
        return Math.Min(count, settings.MaxTokenCount);
    }

    /// <inheritdoc/>
    /// <remarks>Counts include the framing tokens; the text is not normalized, so <paramref name="normalizedText"/> is always <see langword="null"/>.</remarks>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        normalizedText = null;
        var ids = new List<int>();
        var offsets = new List<(int Index, int Length)>();
        _model.Encode(span, ids, offsets);
        int budget = settings.MaxTokenCount - Framing.Count;
        if (budget < 0)
        {
            tokenCount = 0;
            return fromEnd ? span.Length : 0;
        }

        if (!fromEnd)
        {
            int kept = KeepFromStart(offsets, settings.MaxTokenCount);
            tokenCount = kept + Framing.Count;
            return kept == offsets.Count ? span.Length : kept == 0 ? 0 : offsets[kept - 1].Index + offsets[kept - 1].Length;
        }

        int first = Math.Max(offsets.Count - budget, 0);
        // Byte-fallback tokens of one char share its range: never start inside a char.
        while (first > 0 && first < offsets.Count && offsets[first].Index == offsets[first - 1].Index)
        {
            first++;
        }

        tokenCount = offsets.Count - first + Framing.Count;
        return first < offsets.Count ? offsets[first].Index : span.Length;
    }

    /// <summary>Decodes ids to text, dropping a leading <c>&lt;bos&gt;</c> and a trailing <c>&lt;eos&gt;</c> that the framing adds.</summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The text: <c>▁</c> becomes a space, byte tokens become their UTF-8 text; other special tokens stay literal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var builder = new StringBuilder();
        _model.Decode(WithoutFraming(ids), builder);
        return builder.ToString();
    }

    /// <summary>Decodes ids into <paramref name="destination"/>, dropping the framing like <see cref="Decode(IEnumerable{int})"/>.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="destination">Where the text is written.</param>
    /// <param name="idsConsumed">The number of ids whose text was written.</param>
    /// <param name="charsWritten">The number of chars written.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> when only a prefix fits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = [.. ids];
        string full = Decode(all);
        if (full.Length <= destination.Length)
        {
            full.CopyTo(destination);
            idsConsumed = all.Length;
            charsWritten = full.Length;
            return OperationStatus.Done;
        }

        // Longest id prefix whose text fits and is a prefix of the full text (byte tokens must not be split).
        int low = 0;
        int high = all.Length;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (Decode(all.AsSpan(0, middle).ToArray()).Length <= destination.Length)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        string prefix = Decode(all.AsSpan(0, low).ToArray());
        while (low > 0 && !full.StartsWith(prefix, StringComparison.Ordinal))
        {
            prefix = Decode(all.AsSpan(0, --low).ToArray());
        }

        prefix.CopyTo(destination);
        idsConsumed = low;
        charsWritten = prefix.Length;
        return OperationStatus.DestinationTooSmall;
    }

    private IEnumerable<int> WithoutFraming(IEnumerable<int> ids)
    {
        IReadOnlyList<int> list = ids as IReadOnlyList<int> ?? [.. ids];
        int start = Framing.AddBeginningOfSentence && list.Count > 0 && list[0] == BeginningOfSentenceId ? 1 : 0;
        int end = Framing.AddEndOfSentence && list.Count > start && list[^1] == EndOfSentenceId ? list.Count - 1 : list.Count;
        for (int i = start; i < end; i++)
        {
            yield return list[i];
        }
    }

    private int KeepFromStart(List<(int Index, int Length)> offsets, int maxTokenCount)
    {
        if (maxTokenCount < Framing.Count || maxTokenCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokenCount), maxTokenCount, $"The framing alone needs {Math.Max(Framing.Count, 1)} tokens.");
        }

        int kept = maxTokenCount - Framing.Count;
        if (kept >= offsets.Count)
        {
            return offsets.Count;
        }

        // Byte-fallback tokens of one char share its range: never end inside a char.
        while (kept > 0 && offsets[kept].Index == offsets[kept - 1].Index)
        {
            kept--;
        }

        return kept;
    }
}
