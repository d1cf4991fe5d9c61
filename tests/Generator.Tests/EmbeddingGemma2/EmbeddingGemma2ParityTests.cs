using SkEmbeddingGemma.TestSupport;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Tests.Integration;

namespace SkEmbeddingGemma.Tests.EmbeddingGemma2;

/// <summary>
/// An EmbeddingGemma 2 folder embeds exactly as transformers.js 4.3.1's <c>EmbeddingGemma2Model</c> (its own tokenizer,
/// its own onnxruntime-node, text-only with empty media features) embeds the same folder: ids equal, embeddings within
/// 1e-5 at every trained Matryoshka width, for every prompt the folder names, with titles, and at its 8,192-token limit.
/// </summary>
public sealed class EmbeddingGemma2ParityTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    private const float Tolerance = 1e-5f;
    private static readonly int[] s_widths = [768, 512, 256, 128];

    [Fact]
    public async Task Every_prompt_of_the_folder_matches_transformers_js_at_every_width()
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        string[] texts = [.. Corpus.Texts.Take(6), Corpus.Texts[13], Corpus.Texts[14], Corpus.Texts[18], Corpus.Texts[^1]];
        string[] promptNames = [.. generator.PromptNames];

        // The prompts are the folder's (config_sentence_transformers.json), which name every built-in one too.
        using (JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixture.ModelDirectory, "config_sentence_transformers.json"))))
        {
            Dictionary<string, string> folderPrompts = config.RootElement.GetProperty("prompts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(folderPrompts.Keys.Order(StringComparer.Ordinal), promptNames);
            Assert.All(folderPrompts, p => Assert.Equal(p.Value, generator.GetPrompt(p.Key)));
        }

        var items = new List<(string Prompt, string Text)>();
        foreach (string name in promptNames)
        {
            items.AddRange(texts.Select(t => (generator.GetPrompt(name), t)));
        }

        items.AddRange(texts.Select(t => (string.Empty, t)));
        IReadOnlyList<ReferenceEmbedding> reference = await ReferenceEmbeddings.ComputeAsync(fixture.ModelDirectory, items, generator.MaxTokens, s_widths);

        int at = 0;
        foreach (string? name in promptNames.Append(null))
        {
            EmbeddingGenerationOptions? options = name is null ? null : EmbeddingGemmaGenerationOptions.ForPrompt(name);
            IReadOnlyList<int[]> ids = generator.Tokenize(texts, options);
            foreach (int width in s_widths)
            {
                GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(
                    texts, new EmbeddingGenerationOptions { Dimensions = width, AdditionalProperties = options?.AdditionalProperties });
                for (int i = 0; i < texts.Length; i++)
                {
                    Assert.True(reference[at + i].Ids.SequenceEqual(ids[i]), $"prompt {name}, text {i}: ids differ");
                    AssertClose(reference[at + i].Embeddings[width], embeddings[i].Vector.Span, $"prompt {name}, text {i}, width {width}");
                }
            }

            at += texts.Length;
        }
    }

    [Fact]
    public async Task Document_titles_match_the_reference_prompt()
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        string[] texts = ["Mars is red.", "Venus is hot.", "fn main() { println!(\"hi\"); }"];
        string?[] titles = ["Planets", null, "Rust: hello world"];

        IReadOnlyList<ReferenceEmbedding> reference = await ReferenceEmbeddings.ComputeAsync(
            fixture.ModelDirectory,
            [("title: Planets | text: ", texts[0]), ("title: none | text: ", texts[1]), ("title: Rust: hello world | text: ", texts[2])],
            generator.MaxTokens,
            s_widths);

        foreach (int width in s_widths)
        {
            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateDocumentEmbeddingsAsync(texts, titles, width);
            for (int i = 0; i < texts.Length; i++)
            {
                AssertClose(reference[i].Embeddings[width], embeddings[i].Vector.Span, $"title {titles[i]}, width {width}");
            }
        }
    }

    [Fact]
    public async Task Inputs_at_and_beyond_the_folders_8192_token_limit_keep_eos_and_match_the_reference()
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        Assert.Equal(8192, generator.MaxTokens);

        // "alpha beta gamma delta " is 4 tokens: 2,100 repeats are 8,400 text tokens, beyond the limit; 2,047 fit exactly.
        string beyond = string.Concat(Enumerable.Repeat("alpha beta gamma delta ", 2100));
        string exact = string.Concat(Enumerable.Repeat("alpha beta gamma delta ", 2047)) + "alpha beta";
        IReadOnlyList<ReferenceEmbedding> reference = await ReferenceEmbeddings.ComputeAsync(
            fixture.ModelDirectory, [(generator.GetPrompt("query"), beyond), (string.Empty, exact)], generator.MaxTokens, 768, 128);

        IReadOnlyList<int[]> ids = generator.Tokenize([beyond], EmbeddingGemmaGenerationOptions.ForQuery());
        Embedding<float> truncated = await generator.GenerateQueryEmbeddingAsync(beyond);
        Embedding<float> narrow = await generator.GenerateQueryEmbeddingAsync(beyond, dimensions: 128);
        Embedding<float> whole = (await generator.GenerateAsync([exact]))[0];

        Assert.Equal(8192, ids[0].Length);
        Assert.Equal(2, ids[0][0]);
        Assert.Equal(1, ids[0][^1]);
        Assert.Equal(reference[0].Ids, ids[0]);
        Assert.Equal(true, truncated.AdditionalProperties!["truncated"]);
        Assert.Equal(8192, truncated.AdditionalProperties["input_token_count"]);
        AssertClose(reference[0].Embeddings[768], truncated.Vector.Span, "beyond the limit");
        AssertClose(reference[0].Embeddings[128], narrow.Vector.Span, "beyond the limit, 128");

        Assert.Equal(8192, reference[1].Ids.Length);
        Assert.Equal(8192, whole.AdditionalProperties!["input_token_count"]);
        Assert.False(whole.AdditionalProperties.ContainsKey("truncated"));
        AssertClose(reference[1].Embeddings[768], whole.Vector.Span, "exactly the limit");
    }

    [Fact]
    public async Task Batched_with_padding_equals_one_at_a_time()
    {
        EmbeddingGemmaGenerator generator = fixture.Generator;
        string[] texts = Corpus.Texts;

        GeneratedEmbeddings<Embedding<float>> batched = await generator.GenerateDocumentEmbeddingsAsync(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            Embedding<float> alone = await generator.GenerateDocumentEmbeddingAsync(texts[i]);
            AssertClose(alone.Vector.ToArray(), batched[i].Vector.Span, $"text {i} batched");
        }
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float maxDiff = 0;
        for (int d = 0; d < expected.Length; d++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[d] - actual[d]));
        }

        Assert.True(maxDiff <= Tolerance, $"{what}: max |diff| {maxDiff} > {Tolerance}");
        Assert.True(TensorPrimitives.CosineSimilarity(expected, actual) >= 0.99999f, what);
    }
}
