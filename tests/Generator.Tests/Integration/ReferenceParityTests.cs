using SkEmbeddingGemma.TestSupport;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Prompts;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>
/// Ids and embeddings equal an independent reference: transformers.js (its own tokenizer and its own onnxruntime-node)
/// over the same model folder, one text at a time, with sentence-transformers' prompt + text and its truncation.
/// </summary>
public sealed class ReferenceParityTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<string?> PromptNames => new() { null, "query", "document", "Clustering", "STS", "QuestionAnswering", "FactChecking" };

    [Theory]
    [MemberData(nameof(PromptNames))]
    public async Task Ids_and_embeddings_match_transformers_js(string? promptName)
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        string prompt = promptName is null ? "" : generator.GetPrompt(promptName);
        int full = generator.EmbeddingDimensions;
        int half = full / 2;

        IReadOnlyList<ReferenceEmbedding> reference = await ReferenceEmbeddings.ComputeAsync(
            fixture.ModelDirectory, Corpus.Texts.Select(t => (prompt, t)).ToArray(), generator.MaxTokens, full, half);

        EmbeddingGenerationOptions? options = promptName is null ? null : EmbeddingGemmaGenerationOptions.ForPrompt(promptName);
        IReadOnlyList<int[]> ids = generator.Tokenize(Corpus.Texts, options);
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(Corpus.Texts, options);
        GeneratedEmbeddings<Embedding<float>> truncated = await generator.GenerateAsync(
            Corpus.Texts, new EmbeddingGenerationOptions { Dimensions = half, AdditionalProperties = options?.AdditionalProperties });

        for (int i = 0; i < Corpus.Texts.Length; i++)
        {
            Assert.True(reference[i].Ids.SequenceEqual(ids[i]), $"ids differ for text {i}: {string.Join(",", ids[i])} vs {string.Join(",", reference[i].Ids)}");
            AssertClose(reference[i].Embeddings[full], embeddings[i].Vector.Span, i);
            AssertClose(reference[i].Embeddings[half], truncated[i].Vector.Span, i);
        }
    }

    [Fact]
    public async Task Document_titles_match_the_reference_prompt()
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        string[] texts = ["Mars is red.", "Venus is hot."];
        string?[] titles = ["Planets", null];

        IReadOnlyList<ReferenceEmbedding> reference = await ReferenceEmbeddings.ComputeAsync(
            fixture.ModelDirectory, [("title: Planets | text: ", texts[0]), ("title: none | text: ", texts[1])], generator.MaxTokens, generator.EmbeddingDimensions);
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateDocumentEmbeddingsAsync(texts, titles);

        AssertClose(reference[0].Embeddings[generator.EmbeddingDimensions], embeddings[0].Vector.Span, 0);
        AssertClose(reference[1].Embeddings[generator.EmbeddingDimensions], embeddings[1].Vector.Span, 1);
    }

    [Fact]
    public async Task Truncation_keeps_eos_and_matches_the_reference()
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        string text = string.Concat(Enumerable.Repeat("alpha beta gamma delta ", 1200));

        IReadOnlyList<ReferenceEmbedding> reference = await ReferenceEmbeddings.ComputeAsync(
            fixture.ModelDirectory, [(PromptCatalog.SearchQuery, text)], generator.MaxTokens, generator.EmbeddingDimensions);
        Embedding<float> embedding = await generator.GenerateQueryEmbeddingAsync(text);
        int[] ids = generator.Tokenize([text], EmbeddingGemmaGenerationOptions.ForQuery())[0];

        Assert.Equal(2048, ids.Length);
        Assert.Equal(2, ids[0]);
        Assert.Equal(1, ids[^1]);
        Assert.Equal(reference[0].Ids, ids);
        Assert.Equal(true, embedding.AdditionalProperties!["truncated"]);
        Assert.Equal(2048, embedding.AdditionalProperties["input_token_count"]);
        AssertClose(reference[0].Embeddings[generator.EmbeddingDimensions], embedding.Vector.Span, 0);
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual, int index)
    {
        Assert.Equal(expected.Length, actual.Length);
        float maxDiff = 0;
        for (int d = 0; d < expected.Length; d++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[d] - actual[d]));
        }

        Assert.True(maxDiff <= Tolerance, $"text {index}: max |diff| {maxDiff} > {Tolerance}");
        Assert.True(TensorPrimitives.CosineSimilarity(expected, actual) >= 0.99999f);
    }
}
