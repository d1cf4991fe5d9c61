using SkEmbeddingGemma.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.Tests.Integration;

public sealed class GeneratorBehaviorTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private EmbeddingGemmaGenerator Generator => fixture.Generator;

    [Fact]
    public async Task Batched_equals_one_at_a_time()
    {
        string[] texts = Corpus.Texts;

        GeneratedEmbeddings<Embedding<float>> batched = await Generator.GenerateQueryEmbeddingsAsync(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            Embedding<float> alone = await Generator.GenerateQueryEmbeddingAsync(texts[i]);
            float[] a = alone.Vector.ToArray(), b = batched[i].Vector.ToArray();
            Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f, $"text {i} differs when batched");
        }
    }

    [Fact]
    public async Task Results_keep_input_order_whatever_the_batching()
    {
        string[] texts = ["short", string.Concat(Enumerable.Repeat("long text ", 80)), "mid length text here", "x"];
        GeneratedEmbeddings<Embedding<float>> forward = await Generator.GenerateAsync(texts);
        GeneratedEmbeddings<Embedding<float>> backward = await Generator.GenerateAsync(texts.Reverse());

        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(forward[i].Vector.ToArray(), backward[texts.Length - 1 - i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Embeddings_are_unit_length_and_roles_differ()
    {
        Embedding<float> query = await Generator.GenerateQueryEmbeddingAsync("Mars is red");
        Embedding<float> document = await Generator.GenerateDocumentEmbeddingAsync("Mars is red");
        Embedding<float> cut = await Generator.GenerateQueryEmbeddingAsync("Mars is red", dimensions: 16);

        Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(query.Vector.Span), 4);
        Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(cut.Vector.Span), 4);
        Assert.Equal(16, cut.Dimensions);
        Assert.NotEqual(query.Vector.ToArray(), document.Vector.ToArray());
    }

    [Fact]
    public async Task Empty_text_is_bos_eos_and_embeds()
    {
        Assert.Equal([2, 1], Generator.Tokenize([""])[0]);
        GeneratedEmbeddings<Embedding<float>> result = await Generator.GenerateAsync([""]);
        Assert.All(result[0].Vector.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public async Task Metadata_usage_and_per_embedding_fields()
    {
        var metadata = (EmbeddingGeneratorMetadata)Generator.GetService(typeof(EmbeddingGeneratorMetadata))!;
        DateTimeOffset before = DateTimeOffset.UtcNow;

        GeneratedEmbeddings<Embedding<float>> result = await Generator.GenerateAsync(["one", "two three"]);

        Assert.Equal("embeddinggemma", metadata.ProviderName);
        // The metadata names the model by content (ModelIdentityTests); each embedding by ModelId.
        Assert.StartsWith("gemma3_text@sha256:", metadata.DefaultModelId, StringComparison.Ordinal);
        Assert.Equal(Generator.EmbeddingDimensions, metadata.DefaultModelDimensions);
        long expectedTokens = Generator.Tokenize(["one", "two three"]).Sum(ids => ids.Length);
        Assert.Equal(expectedTokens, result.Usage!.InputTokenCount);
        Assert.All(result, e => Assert.Equal(Generator.ModelId, e.ModelId));
        Assert.All(result, e => Assert.InRange(e.CreatedAt!.Value, before, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void GetService_exposes_session_tokenizer_and_self()
    {
        Assert.IsType<InferenceSession>(Generator.GetService(typeof(InferenceSession)));
        Assert.Same(Generator.Tokenizer, Generator.GetService(typeof(Tokenizer)));
        Assert.Same(Generator.Tokenizer, Generator.GetService(typeof(GemmaTokenizer)));
        Assert.Same(Generator, Generator.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));
        Assert.Null(Generator.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
        Assert.Null(Generator.GetService(typeof(string)));
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_results()
    {
        string[] texts = Corpus.Texts;
        GeneratedEmbeddings<Embedding<float>> expected = await Generator.GenerateAsync(texts);

        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Generator.GenerateAsync(texts)));

        foreach (GeneratedEmbeddings<Embedding<float>> result in results)
        {
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.Equal(expected[i].Vector.ToArray(), result[i].Vector.ToArray());
            }
        }
    }

    [Fact]
    public async Task Bad_input_gets_typed_errors_naming_the_problem()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("values", () => Generator.GenerateAsync((IEnumerable<string>)null!));
        ArgumentNullException nullElement = await Assert.ThrowsAsync<ArgumentNullException>("values", () => Generator.GenerateAsync(["ok", null!]));
        Assert.Contains("values[1]", nullElement.Message);

        ArgumentException tooWide = await Assert.ThrowsAsync<ArgumentException>("options",
            () => Generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = Generator.EmbeddingDimensions + 1 }));
        Assert.Contains($"1..{Generator.EmbeddingDimensions}", tooWide.Message);

        ArgumentException image = await Assert.ThrowsAsync<EmbeddingGemmaInputException>("values", () => Generator.GenerateAsync(["see <image_soft_token> here"]));
        Assert.Contains("262144", image.Message);
    }

    [Fact]
    public async Task Lone_surrogates_and_controls_do_not_crash()
    {
        string text = "Lone \ud800 and \udfff and \udc00\ud800 with \u0000\u0001";

        Embedding<float> embedding = await Generator.GenerateQueryEmbeddingAsync(text);

        Assert.All(embedding.Vector.ToArray(), v => Assert.True(float.IsFinite(v)));
        // Lone surrogates reach the tokenizer as U+FFFD, as any UTF-8 conversion makes them.
        Assert.Equal(Generator.Tokenize(["Lone \ufffd and \ufffd and \ufffd\ufffd with \u0000\u0001"])[0], Generator.Tokenize([text])[0]);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator.GenerateAsync(Corpus.Texts, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task Over_long_input_is_refused_when_truncation_is_off()
    {
        using var strict = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { TruncateInputs = false, MaxTokens = 16 });
        string text = string.Concat(Enumerable.Repeat("word ", 40));

        ArgumentException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>("values", () => strict.GenerateAsync(["short", text]));

        Assert.Contains("values[1]", ex.Message);
        Assert.Contains("16", ex.Message);
        Assert.Single(await strict.GenerateAsync(["short"]));
    }

    [Fact]
    public async Task Max_tokens_option_truncates_keeping_eos()
    {
        using var limited = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { MaxTokens = 8 });

        int[] ids = limited.Tokenize([string.Concat(Enumerable.Repeat("word ", 40))])[0];

        Assert.Equal(8, ids.Length);
        Assert.Equal(1, ids[^1]);
        Assert.Single(await limited.GenerateAsync(["word word word word word word word word word"]));
    }

    [Fact]
    public async Task Dispose_releases_and_later_calls_fail_clearly()
    {
        var generator = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["x"]));
    }

    [Fact]
    public async Task Default_dimensions_option_applies_to_calls_that_name_none()
    {
        using var narrow = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { Dimensions = 32 });

        Embedding<float> embedding = (await narrow.GenerateAsync(["x"]))[0];

        Assert.Equal(32, embedding.Dimensions);
        Assert.Equal(32, narrow.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
    }

    [Fact]
    public async Task Streaming_yields_every_embedding_in_order()
    {
        string[] texts = Enumerable.Range(0, 23).Select(i => $"document number {i}").ToArray();

        var streamed = new List<Embedding<float>>();
        await foreach (Embedding<float> embedding in Generator.GenerateStreamingAsync(Source(), EmbeddingGemmaGenerationOptions.ForDocuments(), chunkSize: 5))
        {
            streamed.Add(embedding);
        }

        GeneratedEmbeddings<Embedding<float>> direct = await Generator.GenerateDocumentEmbeddingsAsync(texts);
        Assert.Equal(texts.Length, streamed.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.True(streamed[i].Vector.ToArray().Zip(direct[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Generator.GenerateStreamingAsync(Source(), chunkSize: 0));

        async IAsyncEnumerable<string> Source()
        {
            foreach (string text in texts)
            {
                await Task.Yield();
                yield return text;
            }
        }
    }
}
