using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.AspNetCore.Tests.Support;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>TEI's <c>/embed_all</c> over real HTTP: one vector per token, the engine's <c>last_hidden_state</c>.</summary>
public sealed class EmbedAllTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Http => server.Http;

    [Fact]
    public async Task Embed_all_returns_the_engines_token_embeddings_one_row_per_token_that_tokenize_lists()
    {
        string[] texts = ["What is Deep Learning?", "a much longer text, so that the batch pads the first one and padding must be dropped again"];
        JsonElement body = await Json.PostOkAsync(Http, "/embed_all", new { inputs = texts, prompt_name = "query" });
        JsonElement tokens = await Json.PostOkAsync(Http, "/tokenize", new { inputs = texts, prompt_name = "query" });

        IReadOnlyList<EmbeddingGemmaTokenEmbeddings> expected = await server.Direct.GenerateTokenEmbeddingsAsync(texts, EmbeddingGemmaGenerationOptions.ForQuery());
        Assert.Equal(2, body.GetArrayLength());
        for (int i = 0; i < texts.Length; i++)
        {
            JsonElement rows = body[i];
            Assert.Equal(tokens[i].GetArrayLength(), rows.GetArrayLength());
            Assert.Equal(expected[i].Count, rows.GetArrayLength());
            Assert.Equal(expected[i].TokenIds, tokens[i].EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
            for (int t = 0; t < expected[i].Count; t++)
            {
                Assert.Equal(expected[i].GetVector(t).ToArray(), Json.Floats(rows[t]));
            }
        }

        // Hidden states, not sentence embeddings: the tiny model's hidden size, and not unit length.
        Assert.Equal(expected[0].Width, body[0][0].GetArrayLength());
        Assert.NotEqual(1.0, Math.Sqrt(Json.Floats(body[0][1]).Sum(v => (double)v * v)), 3);
    }

    [Fact]
    public async Task Embed_all_matches_transformers_js_last_hidden_state()
    {
        string text = "late chunking reads the whole document first";
        JsonElement body = await Json.PostOkAsync(Http, "/embed_all", new { inputs = text, prompt_name = "document" });

        string work = Path.Combine(Path.GetTempPath(), "skeg-tokens-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string input = Path.Combine(work, "input.json"), output = Path.Combine(work, "output.json");
            string prompt = server.Direct.GetPrompt("document");
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { items = new[] { new { prompt, text = text.Select(c => (int)c).ToArray() } } }));
            await NodeReference.RunScriptAsync("tokens.mjs", Path.GetFullPath(TinyModel.Directory), input, output);
            using JsonDocument reference = JsonDocument.Parse(await File.ReadAllBytesAsync(output));
            JsonElement hidden = reference.RootElement[0].GetProperty("hidden");
            Assert.Equal(hidden.GetArrayLength(), body[0].GetArrayLength());
            Assert.Equal(
                server.Direct.Tokenize([text], EmbeddingGemmaGenerationOptions.ForDocuments())[0],
                reference.RootElement[0].GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()));
            for (int t = 0; t < hidden.GetArrayLength(); t++)
            {
                float[] ours = Json.Floats(body[0][t]), theirs = Json.Floats(hidden[t]);
                Assert.Equal(theirs.Length, ours.Length);
                for (int d = 0; d < ours.Length; d++)
                {
                    Assert.True(Math.Abs(ours[d] - theirs[d]) <= 1e-4 + 1e-4 * Math.Abs(theirs[d]), $"token {t}, value {d}: {ours[d]} vs transformers.js {theirs[d]}");
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Embed_all_truncates_only_when_asked_from_the_side_asked_and_says_so()
    {
        string longText = string.Join(' ', Enumerable.Range(0, ServerFixture.MaxTokens * 2).Select(i => $"w{i}"));
        using HttpResponseMessage refused = await Http.PostAsJsonAsync("/embed_all", new { inputs = new[] { "short", longText } });
        Assert.Equal("Validation", await Json.AssertTeiErrorAsync(refused, HttpStatusCode.RequestEntityTooLarge, "inputs[1] is longer than the model's 64 tokens; send truncate: true"));

        foreach (string direction in new[] { "Right", "Left" })
        {
            using HttpResponseMessage cut = await Http.PostAsJsonAsync("/embed_all", new { inputs = longText, truncate = true, truncation_direction = direction, prompt_name = "query" });
            Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
            Assert.Equal("0", Assert.Single(cut.Headers.GetValues("X-Truncated-Inputs")));
            JsonElement rows = (await cut.Content.ReadFromJsonAsync<JsonElement>())[0];
            Assert.Equal(ServerFixture.MaxTokens, rows.GetArrayLength());
            EmbeddingGenerationOptions options = EmbeddingGemmaGenerationOptions.ForQuery();
            options.AdditionalProperties![EmbeddingGemmaPropertyNames.TruncationDirection] = direction;
            EmbeddingGemmaTokenEmbeddings expected = (await server.Direct.GenerateTokenEmbeddingsAsync([longText], options))[0];
            Assert.True(expected.Truncated);
            for (int t = 0; t < expected.Count; t++)
            {
                Assert.Equal(expected.GetVector(t).ToArray(), Json.Floats(rows[t]));
            }
        }
    }

    [Fact]
    public async Task Embed_all_refuses_bad_input_in_TEIs_error_shape()
    {
        using HttpResponseMessage missing = await Http.PostAsJsonAsync("/embed_all", new { truncate = true });
        Assert.Equal("Validation", await Json.AssertTeiErrorAsync(missing, HttpStatusCode.UnprocessableEntity, "'inputs' is required"));

        using HttpResponseMessage direction = await Http.PostAsJsonAsync("/embed_all", new { inputs = "x", truncation_direction = "Up" });
        await Json.AssertTeiErrorAsync(direction, HttpStatusCode.UnprocessableEntity, "truncation_direction 'Up' is not one of Right, Left");

        using HttpResponseMessage prompt = await Http.PostAsJsonAsync("/embed_all", new { inputs = "x", prompt_name = "nope" });
        await Json.AssertTeiErrorAsync(prompt, HttpStatusCode.UnprocessableEntity, "nope");

        using HttpResponseMessage many = await Http.PostAsJsonAsync("/embed_all", new { inputs = Enumerable.Repeat("x", 9).ToArray() });
        await Json.AssertTeiErrorAsync(many, HttpStatusCode.RequestEntityTooLarge, "'inputs' has 9 items; the limit is 8");
    }
}
