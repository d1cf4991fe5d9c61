using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// Token chunking against the real Gemma 3 tokenizer. The limit is checked independently: a generator with truncation off
/// refuses any input (prompt and framing included) longer than its token limit, so embedding every chunk must succeed.
/// </summary>
public sealed class TextChunkerTests
{
    private const string Title = "Field notes";

    [Fact]
    public async Task Chunks_fit_the_token_limit_with_the_document_prompt_and_title_and_end_at_sentences()
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: 64);
        var chunker = new EmbeddingGemmaTextChunker(strict, chunkTokens: 48, overlapTokens: 8);
        string text = Paragraphs(30);

        IReadOnlyList<TextChunk> chunks = chunker.Chunk(text, Title);

        Assert.True(chunks.Count > 10, $"{chunks.Count} chunks");
        foreach (TextChunk chunk in chunks)
        {
            Assert.InRange(chunk.TokenCount, 1, 48);
            Assert.Equal(strict.Tokenizer.EncodeToIds(chunk.Text).Count - 2, chunk.TokenCount);
            _ = strict.Tokenizer.EncodeFramed(chunker.DocumentPrompt(Title) + chunk.Text, int.MaxValue, out int framed);
            Assert.InRange(framed, 1, 64);
            Assert.Matches("[.!?]$", chunk.Text);
            Assert.Equal(chunk.Text, text.Substring(chunk.Start, chunk.Text.Length));
        }

        // Throws ArgumentException if any input, prompt included, exceeds 64 tokens.
        GeneratedEmbeddings<Embedding<float>> embeddings = await strict.GenerateDocumentEmbeddingsAsync(
            chunks.Select(c => c.Text), chunks.Select(_ => (string?)Title));
        Assert.Equal(chunks.Count, embeddings.Count);
        Assert.All(SentencesOf(text), s => Assert.Contains(chunks, c => c.Text.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public void Consecutive_chunks_overlap_by_at_most_the_overlap_and_start_at_a_sentence_when_one_is_there()
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: 128);
        string text = Paragraphs(20);
        IReadOnlyList<TextChunk> overlapping = new EmbeddingGemmaTextChunker(strict, chunkTokens: 100, overlapTokens: 30).Chunk(text);
        IReadOnlyList<TextChunk> disjoint = new EmbeddingGemmaTextChunker(strict, chunkTokens: 100, overlapTokens: 0).Chunk(text);

        for (int i = 1; i < overlapping.Count; i++)
        {
            TextChunk previous = overlapping[i - 1];
            int previousEnd = previous.Start + previous.Text.Length;
            Assert.InRange(overlapping[i].Start, previous.Start + 1, previousEnd - 1);
            string shared = text[overlapping[i].Start..previousEnd];
            Assert.InRange(strict.Tokenizer.EncodeToIds(shared).Count - 2, 1, 30 + 1);
            Assert.Matches(@"^[A-Z]", overlapping[i].Text);
        }

        for (int i = 1; i < disjoint.Count; i++)
        {
            Assert.True(disjoint[i].Start >= disjoint[i - 1].Start + disjoint[i - 1].Text.Length);
        }

        Assert.True(overlapping.Count > 5, $"{overlapping.Count} chunks");
        Assert.True(overlapping.Sum(c => c.TokenCount) > disjoint.Sum(c => c.TokenCount), "the shared tokens are counted twice");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n\t  ")]
    public void Empty_or_blank_text_gives_no_chunks(string text)
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: 64);
        Assert.Empty(new EmbeddingGemmaTextChunker(strict, 32, 4).Chunk(text, Title));
    }

    [Fact]
    public async Task A_huge_paragraph_without_sentence_ends_or_spaces_is_cut_inside_it_and_nothing_is_lost()
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: 64);
        var chunker = new EmbeddingGemmaTextChunker(strict, chunkTokens: 40, overlapTokens: 0);
        // No spaces, no punctuation, and chars the vocabulary spells with byte tokens: cuts fall inside "words" but never inside a char.
        string text = string.Concat(Enumerable.Range(0, 400).Select(i => i % 7 == 0 ? "\U0001F9EC𓀀" : $"segment{i}"));

        IReadOnlyList<TextChunk> chunks = chunker.Chunk(text);

        Assert.True(chunks.Count > 20, $"{chunks.Count} chunks");
        Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 40));
        Assert.Equal(chunks.Count, (await strict.GenerateDocumentEmbeddingsAsync(chunks.Select(c => c.Text))).Count);
    }

    [Fact]
    public void Whitespace_runs_of_any_length_give_no_blank_chunks_and_lose_no_words()
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: 64);
        var chunker = new EmbeddingGemmaTextChunker(strict, chunkTokens: 40, overlapTokens: 0);
        string text = "First words here." + new string(' ', 300_000) + "Middle words." + new string('\n', 50_000) + "Last words.";

        IReadOnlyList<TextChunk> chunks = chunker.Chunk(text);

        Assert.All(chunks, c => Assert.False(string.IsNullOrWhiteSpace(c.Text)));
        Assert.Equal("First words here. Middle words. Last words.", string.Join(' ', chunks.Select(c => c.Text)));
    }

    [Fact]
    public async Task A_chunk_size_above_the_model_limit_is_lowered_to_what_the_prompt_leaves()
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: null);
        var chunker = new EmbeddingGemmaTextChunker(strict, chunkTokens: 4096, overlapTokens: 0);
        string text = Paragraphs(150);

        IReadOnlyList<TextChunk> chunks = chunker.Chunk(text, Title);

        Assert.True(chunks.Count >= 2, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 2048 - 2));
        Assert.True(chunks[0].TokenCount > 1000, $"the first chunk is {chunks[0].TokenCount} tokens: at least half full");
        Assert.Equal(chunks.Count, (await strict.GenerateDocumentEmbeddingsAsync(chunks.Select(c => c.Text), chunks.Select(_ => (string?)Title))).Count);
    }

    [Fact]
    public async Task The_chunker_uses_the_models_own_limit_an_EmbeddingGemma_2_chunk_may_exceed_2048_tokens_an_EmbeddingGemma_one_may_not()
    {
        using EmbeddingGemmaGenerator v1 = StrictGenerator(maxTokens: null);
        using var v2 = new EmbeddingGemmaGenerator(TinyModel.EmbeddingGemma2Directory, new EmbeddingGemmaGeneratorOptions { TruncateInputs = false });
        string text = Paragraphs(150);

        IReadOnlyList<TextChunk> v1Chunks = new EmbeddingGemmaTextChunker(v1, chunkTokens: 6000, overlapTokens: 0).Chunk(text, Title);
        IReadOnlyList<TextChunk> v2Chunks = new EmbeddingGemmaTextChunker(v2, chunkTokens: 6000, overlapTokens: 0).Chunk(text, Title);

        Assert.Equal((2048, 8192), (v1.MaxTokens, v2.MaxTokens));
        Assert.All(v1Chunks, c => Assert.InRange(c.TokenCount, 1, 2048 - 2));
        Assert.Contains(v2Chunks, c => c.TokenCount > 2048);
        Assert.All(v2Chunks, c => Assert.InRange(c.TokenCount, 1, 6000));

        // Each v2 chunk is embedded by the strict generator, which refuses rather than truncates: it fits the model with prompt and title.
        GeneratedEmbeddings<Embedding<float>> embedded = await v2.GenerateDocumentEmbeddingsAsync(v2Chunks.Select(c => c.Text), v2Chunks.Select(_ => (string?)Title));
        Assert.Equal(v2Chunks.Count, embedded.Count);
    }

    [Fact]
    public void Bad_settings_and_a_title_that_fills_the_context_are_rejected_by_name()
    {
        using EmbeddingGemmaGenerator strict = StrictGenerator(maxTokens: 64);
        Assert.Throws<ArgumentNullException>("generator", () => new EmbeddingGemmaTextChunker(null!));
        Assert.Throws<ArgumentOutOfRangeException>("chunkTokens", () => new EmbeddingGemmaTextChunker(strict, chunkTokens: 4));
        Assert.Throws<ArgumentOutOfRangeException>("overlapTokens", () => new EmbeddingGemmaTextChunker(strict, chunkTokens: 32, overlapTokens: 16));
        Assert.Throws<ArgumentOutOfRangeException>("overlapTokens", () => new EmbeddingGemmaTextChunker(strict, chunkTokens: 32, overlapTokens: -1));
        var chunker = new EmbeddingGemmaTextChunker(strict, 32, 4);
        Assert.Throws<ArgumentNullException>("text", () => chunker.Chunk(null!));
        var error = Assert.Throws<ArgumentException>("title", () => chunker.Chunk("Some text.", string.Join(' ', Enumerable.Repeat("long title", 40))));
        Assert.Contains("shorten the title", error.Message, StringComparison.Ordinal);
    }

    private static EmbeddingGemmaGenerator StrictGenerator(int? maxTokens) =>
        new(TinyModel.Directory, new EmbeddingGemmaGeneratorOptions { MaxTokens = maxTokens, TruncateInputs = false });

    private static string Paragraphs(int count) => string.Join("\n\n", Enumerable.Range(0, count).Select(p =>
        $"Paragraph {p} opens with a plain sentence about topic {p}. " +
        $"Then it adds a second, longer sentence with details, numbers like {p * 37} and a name such as Zoë {p}! " +
        $"Does it close with a question about item {p}?"));

    private static IEnumerable<string> SentencesOf(string text) =>
        text.Split(["\n\n", ". ", "! ", "? "], StringSplitOptions.RemoveEmptyEntries).Select(s => s.TrimEnd('.', '!', '?'));
}
