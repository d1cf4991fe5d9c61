using Microsoft.ML.Tokenizers;
using SkEmbeddingGemma.Prompts;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma;

/// <summary>
/// Cuts text into chunks measured in EmbeddingGemma tokens, each of which the model embeds whole as a document:
/// <c>&lt;bos&gt;</c> + document prompt (with its title) + chunk + <c>&lt;eos&gt;</c> never exceeds
/// <see cref="EmbeddingGemmaGenerator.MaxTokens"/>, so nothing is truncated away.
/// </summary>
/// <remarks>
/// Chunks end preferably at a paragraph break, else at a sentence end, else between words, and are at least half full
/// unless the text ends. Consecutive chunks share about <see cref="OverlapTokens"/> tokens, starting at a sentence or
/// word where one lies in that range. Thread-safe.
/// </remarks>
public sealed class EmbeddingGemmaTextChunker
{
    /// <summary>The default chunk size in tokens.</summary>
    public const int DefaultChunkTokens = 512;

    /// <summary>The default overlap in tokens.</summary>
    public const int DefaultOverlapTokens = 64;

    // Tokens kept in reserve when cutting: the cut piece is re-tokenized on its own, which can differ at its edges.
    private const int EdgeReserve = 4;

    // Below this many tokens per chunk (after the prompt and title), chunking makes no sense.
    private const int MinimumChunkTokens = 8;

    // How far BoundaryLevel looks for the whitespace around a cut.
    private const int MaxGapScan = 64;

    // Cut quality levels (see BoundaryLevel).
    private const int Word = 1;
    private const int Sentence = 2;
    private const int Paragraph = 3;

    private readonly EmbeddingGemmaGenerator _generator;
    private readonly GemmaTokenizer _tokenizer;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingGemmaTextChunker"/> class.</summary>
    /// <param name="generator">The generator whose tokenizer, token limit and document prompt the chunks must fit.</param>
    /// <param name="chunkTokens">The most tokens of text per chunk; lowered per call to what the prompt and title leave.</param>
    /// <param name="overlapTokens">About how many tokens consecutive chunks share; less than half of <paramref name="chunkTokens"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkTokens"/> is below 8, or <paramref name="overlapTokens"/> is negative or not below half of it.</exception>
    public EmbeddingGemmaTextChunker(EmbeddingGemmaGenerator generator, int chunkTokens = DefaultChunkTokens, int overlapTokens = DefaultOverlapTokens)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkTokens, MinimumChunkTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlapTokens, (chunkTokens + 1) / 2);
        _generator = generator;
        _tokenizer = generator.Tokenizer;
        ChunkTokens = chunkTokens;
        OverlapTokens = overlapTokens;
    }

    /// <summary>Gets the most tokens of text per chunk.</summary>
    public int ChunkTokens { get; }

    /// <summary>Gets about how many tokens consecutive chunks share.</summary>
    public int OverlapTokens { get; }

    /// <summary>Gets the document prompt the chunks are sized for: <c>title: {title} | text: </c>, or the model's document prompt without a title.</summary>
    /// <param name="title">The document title, or null for none.</param>
    /// <returns>The prompt text.</returns>
    public string DocumentPrompt(string? title) =>
        PromptCatalog.WithTitle(_generator.GetPrompt(EmbeddingGemmaPromptNames.Document), title);

    /// <summary>Cuts <paramref name="text"/> into chunks that each fit the model with the document prompt for <paramref name="title"/>.</summary>
    /// <param name="text">The text; empty or blank text gives no chunks.</param>
    /// <param name="title">The document title the chunks will be embedded with, or null for none.</param>
    /// <returns>The chunks in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The title is so long that the prompt leaves fewer than 8 tokens for text.</exception>
    public IReadOnlyList<TextChunk> Chunk(string text, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string prompt = DocumentPrompt(title);
        int budget = Math.Min(ChunkTokens, _generator.MaxTokens - FramedCount(prompt));
        if (budget < MinimumChunkTokens)
        {
            throw new ArgumentException(
                $"The document prompt with this title takes {FramedCount(prompt)} of the model's {_generator.MaxTokens} tokens, leaving {budget} for text; shorten the title.",
                nameof(title));
        }

        int[] starts = TokenStarts(text);
        var chunks = new List<TextChunk>();
        int start = 0;
        while (start < starts.Length)
        {
            int limit = Math.Max(1, budget - EdgeReserve);
            int end = start + limit >= starts.Length ? starts.Length : PickEnd(text, starts, start, limit);
            end = FitEnd(text, starts, start, end, prompt, budget, chunks);
            if (end >= starts.Length)
            {
                break;
            }

            start = PickOverlapStart(text, starts, start, end);
        }

        return chunks;
    }

    private int FramedCount(string text)
    {
        _ = _tokenizer.EncodeFramed(text, int.MaxValue, out int count);
        return count;
    }

    private int TextCount(string text)
    {
        var ids = new List<int>();
        _tokenizer.AppendTextIds(text, ids);
        return ids.Count;
    }

    // The char index where each text token starts (framing tokens left out).
    private int[] TokenStarts(string text)
    {
        IReadOnlyList<EncodedToken> tokens = _tokenizer.EncodeToTokens(text, out _);
        int first = _tokenizer.Framing.AddBeginningOfSentence ? 1 : 0;
        int count = tokens.Count - first - (_tokenizer.Framing.AddEndOfSentence ? 1 : 0);
        var starts = new int[Math.Max(count, 0)];
        for (int i = 0; i < starts.Length; i++)
        {
            starts[i] = tokens[first + i].Offset.Start.Value;
        }

        return starts;
    }

    // Verifies the exact token counts of [start, end) and moves the end back a token at a time until the chunk fits.
    private int FitEnd(string text, int[] starts, int start, int end, string prompt, int budget, List<TextChunk> chunks)
    {
        while (true)
        {
            int from = starts[start];
            string piece = text[from..Position(text, starts, end)];
            string trimmed = piece.Trim();
            if (trimmed.Length == 0)
            {
                return end;
            }

            int tokens = TextCount(trimmed);
            if ((tokens <= budget && FramedCount(prompt + trimmed) <= _generator.MaxTokens) || end - start <= 1)
            {
                chunks.Add(new TextChunk(trimmed, from + (piece.Length - piece.TrimStart().Length), tokens));
                return end;
            }

            end = PreviousCharBoundary(starts, start, end);
        }
    }

    private static int PickEnd(string text, int[] starts, int start, int limit)
    {
        int best = -1;
        int bestLevel = -1;
        for (int end = start + limit; end > start + Math.Max(limit / 2, 1) - 1 && bestLevel < Paragraph; end--)
        {
            int level = IsCharBoundary(starts, end) ? BoundaryLevel(text, Position(text, starts, end)) : -1;
            if (level > bestLevel)
            {
                (best, bestLevel) = (end, level);
            }
        }

        return best > start ? best : start + limit;
    }

    // The overlap starts at the first sentence start, else word start, else char, within the last OverlapTokens tokens.
    private int PickOverlapStart(string text, int[] starts, int start, int end)
    {
        int from = Math.Max(start + 1, end - OverlapTokens);
        for (int level = Sentence; level >= 0; level--)
        {
            for (int i = from; i < end; i++)
            {
                if (IsCharBoundary(starts, i) && BoundaryLevel(text, starts[i]) >= level)
                {
                    return i;
                }
            }
        }

        return end;
    }

    // How good a cut at char position p is: 3 at a blank line, 2 after a sentence end or a line break, 1 between words, 0 inside a word.
    private static int BoundaryLevel(string text, int p)
    {
        if (p <= 0 || p >= text.Length)
        {
            return Paragraph;
        }

        // Looking a bounded distance each way keeps huge whitespace runs linear.
        int left = p;
        while (left > 0 && p - left < MaxGapScan && char.IsWhiteSpace(text[left - 1]))
        {
            left--;
        }

        int right = p;
        while (right < text.Length && right - p < MaxGapScan && char.IsWhiteSpace(text[right]))
        {
            right++;
        }

        ReadOnlySpan<char> gap = text.AsSpan(left, right - left);
        return gap.IsEmpty ? 0
            : gap.Count('\n') >= 2 ? Paragraph
            : gap.Contains('\n') || (left > 0 && text[left - 1] is '.' or '!' or '?' or '。' or '！' or '？') ? Sentence
            : Word;
    }

    private static int Position(string text, int[] starts, int index) => index >= starts.Length ? text.Length : starts[index];

    // Byte-fallback tokens of one char share its start: never cut between them.
    private static bool IsCharBoundary(int[] starts, int index) => index >= starts.Length || index == 0 || starts[index] > starts[index - 1];

    private static int PreviousCharBoundary(int[] starts, int start, int end)
    {
        int previous = end - 1;
        while (previous > start + 1 && !IsCharBoundary(starts, previous))
        {
            previous--;
        }

        return previous;
    }
}
