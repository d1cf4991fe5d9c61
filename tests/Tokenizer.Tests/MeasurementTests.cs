using System.Diagnostics;
using Microsoft.ML.Tokenizers;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Load time, throughput and the comparison with Microsoft.ML.Tokenizers' own SentencePiece tokenizer (numbers go to the test output).</summary>
[Collection(GemmaTokenizerCollection.Name)]
public sealed class MeasurementTests(GemmaTokenizerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Loading_and_encoding_are_fast()
    {
        string directory = GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory;
        var stopwatch = Stopwatch.StartNew();
        GemmaTokenizer tokenizer = GemmaTokenizer.FromDirectory(directory);
        TimeSpan load = stopwatch.Elapsed;

        string text = TokenizerCorpus.LongText(1_000_000);
        var ids = new List<int>(400_000);
        tokenizer.AppendTextIds(text, ids); // warm-up
        ids.Clear();
        stopwatch.Restart();
        const int rounds = 3;
        for (int i = 0; i < rounds; i++)
        {
            ids.Clear();
            tokenizer.AppendTextIds(text, ids);
        }

        TimeSpan encode = stopwatch.Elapsed / rounds;
        output.WriteLine($"tokenizer.json load (warm): {load.TotalMilliseconds:F0} ms; first loads: json {fixture.JsonLoadTime.TotalMilliseconds:F0} ms, model {fixture.ModelLoadTime.TotalMilliseconds:F0} ms");
        output.WriteLine($"encode 1,000,000 chars -> {ids.Count:N0} tokens in {encode.TotalMilliseconds:F0} ms = {ids.Count / encode.TotalSeconds:N0} tokens/s, {text.Length / encode.TotalSeconds / 1e6:F1} M chars/s");

        // Generous bounds: the machine is shared; the numbers above are the measurement.
        Assert.InRange(load, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.True(ids.Count / encode.TotalSeconds > 200_000, $"{ids.Count / encode.TotalSeconds:N0} tokens/s");
    }

    // Measured with ML.Tokenizers 2.0.1 on TokenizerCorpus (98 texts); update with the corpus.
    [Theory]
    [InlineData(false, 66)]
    [InlineData(true, 93)]
    public void Microsoft_ML_Tokenizers_SentencePieceTokenizer_agrees_only_partly(bool longestFirst, int measuredMatches)
    {
        // ML.Tokenizers 2.0.1 over the same tokenizer.model, added tokens passed as special tokens, in id order or
        // longest first (its special-token matching takes the first alternative that matches, not the longest).
        List<AddedTokenSpec> tokens;
        using (FileStream json = File.OpenRead(Path.Combine(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, "tokenizer.json")))
        {
            tokens = TokenizerJsonLoader.Load(json, "tokenizer.json").Data.AddedTokens;
        }

        Dictionary<string, int> added = new(StringComparer.Ordinal);
        foreach (AddedTokenSpec token in longestFirst ? tokens.OrderByDescending(static t => t.Content.Length).ToList() : tokens)
        {
            added[token.Content] = token.Id;
        }

        SentencePieceTokenizer sentencePiece;
        using (FileStream model = File.OpenRead(Path.Combine(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, "tokenizer.model")))
        {
            sentencePiece = SentencePieceTokenizer.Create(model, addBeginningOfSentence: true, addEndOfSentence: true, specialTokens: added);
        }

        var mismatches = new List<string>();
        for (int i = 0; i < TokenizerCorpus.Texts.Count; i++)
        {
            string text = TokenizerCorpus.Texts[i];
            IReadOnlyList<int> ids = sentencePiece.EncodeToIds(text);
            if (!ids.SequenceEqual(fixture.EmbeddingGemmaReference[i]))
            {
                mismatches.Add($"#{i} {text[..Math.Min(text.Length, 40)].ReplaceLineEndings("\\n")}"
                    + $"\n    transformers.js [{string.Join(", ", fixture.EmbeddingGemmaReference[i].Take(12))}]\n    SentencePiece   [{string.Join(", ", ids.Take(12))}]");
            }
        }

        int matches = TokenizerCorpus.Texts.Count - mismatches.Count;
        output.WriteLine($"SentencePieceTokenizer ({(longestFirst ? "longest first" : "id order")}) matches transformers.js on {matches}/{TokenizerCorpus.Texts.Count} texts; differs on:");
        mismatches.ForEach(output.WriteLine);
        Assert.Equal(measuredMatches, matches);
    }
}
