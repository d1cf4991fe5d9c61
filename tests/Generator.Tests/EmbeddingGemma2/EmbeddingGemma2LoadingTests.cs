using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.EmbeddingGemma2;

/// <summary>
/// An EmbeddingGemma 2 folder loads through the same public API as a 300m one, and everything model-specific comes
/// from its files: model type, limit, prompts, media tokens, and the graph's media feature inputs.
/// </summary>
public sealed class EmbeddingGemma2LoadingTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    private EmbeddingGemmaGenerator Generator => fixture.Generator;

    public static TheoryData<string, int> MediaTokens => new()
    {
        { "<|image|>", 258880 }, { "<|audio|>", 258881 }, { "<|video|>", 258884 },
        { "<|image>", 255999 }, { "<image|>", 258882 }, { "<|audio>", 256000 }, { "<audio|>", 258883 },
    };

    [Fact]
    public async Task The_folder_says_which_model_it_is()
    {
        var metadata = Generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Equal(8192, Generator.MaxTokens);
        Assert.Equal(768, Generator.EmbeddingDimensions);
        Assert.Matches("^embedding_gemma2@sha256:[0-9a-f]{64}$", metadata.DefaultModelId);
        Assert.Equal("task: search result | query: ", Generator.GetPrompt("SearchQuery"));
        Assert.Equal([2, 1], Generator.Tokenize([""])[0]);

        // The text graph takes the three media feature inputs beside the tokens; text fills them with no rows.
        var session = Generator.GetService<InferenceSession>()!;
        Assert.Equal(
            ["attention_mask", "audio_features", "image_features", "input_ids", "video_features"],
            session.InputMetadata.Keys.Order(StringComparer.Ordinal));
        GeneratedEmbeddings<Embedding<float>> result = await Generator.GenerateQueryEmbeddingsAsync(["Which planet is red?", "Mars"]);
        Assert.All(result, e => Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(e.Vector.Span), 4));
    }

    [Fact]
    public void The_identity_differs_from_a_300m_folder_and_follows_the_model_type()
    {
        string tiny300m = TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
        using var v1 = new EmbeddingGemmaGenerator(tiny300m);
        string v1Identity = v1.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
        string v2Identity = Generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;

        Assert.StartsWith("gemma3_text@sha256:", v1Identity, StringComparison.Ordinal);
        Assert.StartsWith("embedding_gemma2@sha256:", v2Identity, StringComparison.Ordinal);
        Assert.NotEqual(v1Identity[(v1Identity.IndexOf('@') + 1)..], v2Identity[(v2Identity.IndexOf('@') + 1)..]);
    }

    [Theory]
    [MemberData(nameof(MediaTokens))]
    public async Task Media_tokens_in_text_are_refused_naming_the_token_and_the_input(string token, int id)
    {
        string[] values = ["plain text", $"look at this {token} picture"];

        ArgumentException embed = await Assert.ThrowsAsync<EmbeddingGemmaInputException>("values", () => Generator.GenerateAsync(values));
        ArgumentException tokenize = Assert.Throws<EmbeddingGemmaInputException>("values", () => Generator.Tokenize(values, EmbeddingGemmaGenerationOptions.ForQuery()));

        foreach (ArgumentException ex in new[] { embed, tokenize })
        {
            Assert.Contains("values[1]", ex.Message);
            Assert.Contains($"'{token}'", ex.Message);
            Assert.Contains($"id {id}", ex.Message);
            Assert.Contains("tokenizer_config.json", ex.Message);
        }

        // Spelled apart, the same characters are text.
        string apart = token[..1] + " " + token[1..];
        Assert.Single(await Generator.GenerateAsync([$"look at this {apart} picture"]));
    }

    [Fact]
    public async Task The_media_tokens_come_from_the_tokenizer_config()
    {
        // Without the keys the processor reads, the placeholders are ordinary vocabulary; naming another token adds it.
        using var copy = new CopiedModel(fixture.ModelDirectory);
        string path = copy.FilePath("tokenizer_config.json");
        JsonObject config = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
        foreach (string key in new[] { "image_token", "boi_token", "eoi_token", "video_token", "audio_token", "boa_token", "eoa_token" })
        {
            config.Remove(key);
            config["extra_special_tokens"]!.AsObject().Remove(key);
        }

        config["extra_special_tokens"]!["audio_token"] = "<unused7>";
        File.WriteAllText(path, config.ToJsonString());
        using var generator = new EmbeddingGemmaGenerator(copy.Path);

        Assert.Single(await generator.GenerateAsync(["<|image|> and <|video|>"]));
        ArgumentException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>("values", () => generator.GenerateAsync(["an <unused7> here"]));
        Assert.Contains("'<unused7>'", ex.Message);
        Assert.Contains("audio_token", ex.Message);
    }

    [Fact]
    public async Task A_300m_folder_embeds_its_gemma3_media_tokens_as_before()
    {
        // 300m is a text model (flat gemma3_text config): the media tokens its tokenizer config names are vocabulary
        // rows it embeds, as before; only <image_soft_token>, which has no row, is refused.
        using var v1 = new EmbeddingGemmaGenerator(TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory));

        Assert.Single(await v1.GenerateAsync(["<start_of_image> and <end_of_image>"]));
        Assert.Contains(255999, v1.Tokenize(["<start_of_image>"])[0]);
        ArgumentException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>("values", () => v1.GenerateAsync(["see <image_soft_token> here"]));
        Assert.Contains("262144", ex.Message);
    }
}
