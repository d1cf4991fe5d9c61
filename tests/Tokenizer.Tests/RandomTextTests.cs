using System.Text;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Seeded random texts (scripts, emoji, whitespace, added-token fragments) against transformers.js.</summary>
[Collection(GemmaTokenizerCollection.Name)]
public sealed class RandomTextTests(GemmaTokenizerFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] s_pieces =
    [
        "the", " the", "ing", " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", " \n", "\r\n", "▁", "▁▁",
        "<", ">", "<bos>", "<eos", "start_of_turn>", "<start_of_turn>", "<unused", "7>", "[multimodal]", "<mask>", "<image_soft_token>",
        "日本", "語", "中文", "한국어", "Привет", "мир", "مرحبا", "नमस्ते", "สวัสดี", "😀", "👨‍👩‍👧", "🇫🇷", "\u0301", "é", "e",
        "0", "12", "345", "6789", ".", ",", "!", "?", "(", ")", "{", "}", "=>", "://", "www", "http", "\uFFFD", "\u0000", "\U0001D518",
        "token", "ization", "Hello", "World", "über", "ß", "ﬁ", "Ⅻ", "\u200D", "\u00A0", "a", "b", "aa", "ab", "ba",
    ];

    [Fact]
    public async Task Seeded_random_texts_match_transformers_js()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("SKEG_RANDOM_TEXTS"), out int n) ? n : 400;
        var random = new Random(20251123);
        var texts = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var builder = new StringBuilder();
            int parts = random.Next(1, 40);
            for (int p = 0; p < parts; p++)
            {
                builder.Append(random.Next(10) == 0 ? (char)random.Next(0x20, 0x3000) : s_pieces[random.Next(s_pieces.Length)]);
            }

            texts.Add(builder.ToString());
        }

        int[][] reference = await GemmaTokenizerFixture.ReferenceAsync(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, texts);
        var mismatches = new List<string>();
        for (int i = 0; i < texts.Count; i++)
        {
            int[] actual = [.. fixture.EmbeddingGemma.EncodeToIds(texts[i])];
            if (!actual.AsSpan().SequenceEqual(reference[i]))
            {
                mismatches.Add($"#{i} {string.Concat(texts[i].Select(static c => $"\\u{(int)c:x4}"))}\n  expected [{string.Join(", ", reference[i])}]\n  actual   [{string.Join(", ", actual)}]");
            }
        }

        output.WriteLine($"{texts.Count - mismatches.Count}/{texts.Count} random texts match transformers.js");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(5)));
    }
}
