using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.TokenEmbeddings;

/// <summary>
/// <see cref="EmbeddingGemmaGenerator.GenerateTokenEmbeddingsAsync"/> and left truncation through the public API, against
/// ONNX Runtime run directly on the same graph.
/// </summary>
public sealed class TokenEmbeddingsTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private EmbeddingGemmaGenerator Generator => fixture.Generator;

    [Fact]
    public async Task Token_embeddings_are_the_graphs_last_hidden_state_rows_of_each_inputs_own_tokens()
    {
        // Five inputs with MaxBatchSize 4: two batches, the short ones padded; padding rows must not leak out.
        string[] texts = ["short", "a somewhat longer input that pads the others", "x", "late chunking", "the fifth input"];
        IReadOnlyList<EmbeddingGemmaTokenEmbeddings> results = await Generator.GenerateTokenEmbeddingsAsync(texts, EmbeddingGemmaGenerationOptions.ForQuery());
        IReadOnlyList<int[]> ids = Generator.Tokenize(texts, EmbeddingGemmaGenerationOptions.ForQuery());

        using InferenceSession session = OrtRunner.Open(Path.Combine(fixture.ModelDirectory, "onnx", "model.onnx"));
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(ids[i], results[i].TokenIds);
            Assert.Equal(ids[i].Length, results[i].Count);
            Assert.False(results[i].Truncated);
            (float[] hidden, _) = OrtRunner.Run(session, [.. ids[i].Select(x => (long)x)], [.. ids[i].Select(_ => 1L)], 1);
            Assert.Equal(hidden.Length, results[i].Values.Length);
            Assert.Equal(hidden.Length / ids[i].Length, results[i].Width);
            for (int v = 0; v < hidden.Length; v++)
            {
                Assert.True(Math.Abs(hidden[v] - results[i].Values.Span[v]) <= 1e-4f, $"input {i}, value {v}: {results[i].Values.Span[v]} vs {hidden[v]}");
            }
        }

        Assert.Equal(results[1].Values.Slice(results[1].Width * 2, results[1].Width).ToArray(), results[1].GetVector(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => results[0].GetVector(results[0].Count));
    }

    [Fact]
    public async Task Token_embeddings_refuse_dimensions_and_bad_truncation_directions()
    {
        ArgumentException dimensions = await Assert.ThrowsAsync<ArgumentException>("options", () => Generator.GenerateTokenEmbeddingsAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 32 }));
        Assert.Contains("does not apply to token embeddings", dimensions.Message, StringComparison.Ordinal);

        var up = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.TruncationDirection] = "up" } };
        ArgumentException direction = await Assert.ThrowsAsync<ArgumentException>("options", () => Generator.GenerateTokenEmbeddingsAsync(["x"], up));
        Assert.Contains("'up'; it must be 'right' (cut the end) or 'left' (cut the start)", direction.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("options", () => Generator.Tokenize(["x"], up));
    }

    [Fact]
    public async Task Left_truncation_cuts_the_prompt_first_and_keeps_bos_and_eos()
    {
        using var generator = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { MaxTokens = 16 });
        string prompt = generator.GetPrompt("query");
        int promptTokens = generator.Tokenizer.EncodeFramed(prompt, int.MaxValue, out _).Length - 2;
        Assert.True(promptTokens > 3, $"the query prompt has {promptTokens} tokens");

        // The text alone fits the 14 content tokens the limit leaves; with the prompt it does not: only the prompt is cut.
        string text = "w0 w1 w2 w3";
        int textTokens = generator.Tokenizer.EncodeFramed(text, int.MaxValue, out _).Length - 2;
        int[] whole = generator.Tokenizer.EncodeFramed(prompt + text, int.MaxValue, out _);
        Assert.InRange(textTokens, 4, 13);
        Assert.True(whole.Length > 16, $"prompt + text has {whole.Length} framed tokens");
        var left = EmbeddingGemmaGenerationOptions.ForQuery();
        left.AdditionalProperties![EmbeddingGemmaPropertyNames.TruncationDirection] = "Left";

        int[] ids = generator.Tokenize([text], left)[0];
        Assert.Equal(16, ids.Length);
        Assert.Equal(generator.Tokenizer.BeginningOfSentenceId, ids[0]);
        Assert.Equal(generator.Tokenizer.EndOfSentenceId, ids[^1]);
        Assert.Equal(whole[^15..^1], ids[1..^1]);
        string kept = generator.Tokenizer.Decode(ids[1..^1]);
        Assert.DoesNotContain("task:", kept, StringComparison.Ordinal);
        Assert.EndsWith("query: w0 w1 w2 w3", kept, StringComparison.Ordinal);

        // Right truncation keeps the prompt and the start; the embeddings differ and are flagged truncated either way.
        int[] right = generator.Tokenize([text], EmbeddingGemmaGenerationOptions.ForQuery())[0];
        Assert.Equal(whole[..15], right[..15]);
        GeneratedEmbeddings<Embedding<float>> leftEmbedding = await generator.GenerateAsync([text], left);
        GeneratedEmbeddings<Embedding<float>> rightEmbedding = await generator.GenerateAsync([text], EmbeddingGemmaGenerationOptions.ForQuery());
        Assert.Equal(true, leftEmbedding[0].AdditionalProperties![EmbeddingGemmaGenerator.TruncatedPropertyName]);
        Assert.NotEqual(rightEmbedding[0].Vector.ToArray(), leftEmbedding[0].Vector.ToArray());

        // Left truncation with truncation off is still a refusal, not a cut.
        using var strict = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { MaxTokens = 16, TruncateInputs = false });
        await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => strict.GenerateAsync([text], left));
    }
}
