using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.AspNetCore.Tests.Support;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>The server over real HTTP with an EmbeddingGemma 2 folder: the one setting is its ModelPath.</summary>
public sealed class EmbeddingGemma2ServerTests
{
    [Fact]
    public async Task An_EmbeddingGemma_2_folder_is_served_with_only_ModelPath_set_and_takes_inputs_beyond_2048_tokens()
    {
        await using TestServer server = await TestServer.StartAsync(new Dictionary<string, string?> { ["EmbeddingGemma:ModelPath"] = TinyModel.EmbeddingGemma2Directory });
        using var direct = new EmbeddingGemmaGenerator(TinyModel.EmbeddingGemma2Directory);
        string longText = string.Join(' ', Enumerable.Repeat("planet", 3000));

        using HttpResponseMessage response = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "where is Mars?", longText }, model = "embeddinggemma:query" });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using JsonDocument json = JsonDocument.Parse(body);

        GeneratedEmbeddings<Embedding<float>> expected = await direct.GenerateAsync(["where is Mars?", longText], EmbeddingGemmaGenerationOptions.ForQuery());
        JsonElement data = json.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        for (int i = 0; i < 2; i++)
        {
            float[] served = Json.Floats(data[i].GetProperty("embedding"));
            Assert.Equal(768, served.Length);
            Assert.Equal(expected[i].Vector.ToArray(), served);
        }

        // The long input is embedded whole: more than EmbeddingGemma 300m's 2,048 tokens, nothing truncated.
        int longTokens = direct.Tokenize([longText], EmbeddingGemmaGenerationOptions.ForQuery())[0].Length;
        Assert.InRange(longTokens, 2049, direct.MaxTokens);
        Assert.False(response.Headers.Contains("X-Truncated-Inputs"));
        Assert.Equal(expected.Usage!.InputTokenCount, json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
    }
}
