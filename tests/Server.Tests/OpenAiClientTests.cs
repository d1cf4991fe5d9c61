using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;
using SkEmbeddingGemma.AspNetCore.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>The official OpenAI .NET client (and Microsoft.Extensions.AI's adapter over it) against the server, unchanged.</summary>
public sealed class OpenAiClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private OpenAIClient Client => new(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });

    [Fact]
    public async Task The_plain_model_id_embeds_as_documents_and_role_ids_choose_the_prompt()
    {
        string[] texts = ["first text", "second text"];

        // The OpenAI client asks for base64 by default: this exercises that encoding end to end.
        OpenAIEmbeddingCollection plain = (await Client.GetEmbeddingClient("embeddinggemma").GenerateEmbeddingsAsync(texts)).Value;
        OpenAIEmbeddingCollection query = (await Client.GetEmbeddingClient("embeddinggemma:query").GenerateEmbeddingsAsync(texts)).Value;
        OpenAIEmbeddingCollection sts = (await Client.GetEmbeddingClient("embeddinggemma:STS").GenerateEmbeddingsAsync(texts)).Value;

        GeneratedEmbeddings<Embedding<float>> documents = await server.Direct.GenerateDocumentEmbeddingsAsync(texts);
        GeneratedEmbeddings<Embedding<float>> queries = await server.Direct.GenerateQueryEmbeddingsAsync(texts);
        GeneratedEmbeddings<Embedding<float>> similarity = await server.Direct.GenerateWithPromptAsync(texts, EmbeddingGemmaPromptNames.SemanticTextualSimilarity);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(documents[i].Vector.ToArray(), plain[i].ToFloats().ToArray());
            Assert.Equal(queries[i].Vector.ToArray(), query[i].ToFloats().ToArray());
            Assert.Equal(similarity[i].Vector.ToArray(), sts[i].ToFloats().ToArray());
        }

        Assert.NotEqual(plain[0].ToFloats().ToArray(), query[0].ToFloats().ToArray());
        Assert.Equal(documents.Usage!.InputTokenCount, plain.Usage.InputTokenCount);
        Assert.Equal(queries.Usage!.InputTokenCount, query.Usage.TotalTokenCount);
        Assert.Equal("embeddinggemma:query", query.Model);
    }

    [Fact]
    public async Task The_MEAI_adapter_gets_dimensions_and_usage()
    {
        IEmbeddingGenerator<string, Embedding<float>> client = Client.GetEmbeddingClient("embeddinggemma:query").AsIEmbeddingGenerator();

        Embedding<float> narrow = (await client.GenerateAsync(["where is Paris?"], new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = 32 }))[0];

        Embedding<float> expected = await server.Direct.GenerateQueryEmbeddingAsync("where is Paris?", dimensions: 32);
        Assert.Equal(32, narrow.Vector.Length);
        Assert.Equal(expected.Vector.ToArray(), narrow.Vector.ToArray());
    }

    [Fact]
    public async Task Token_id_inputs_that_round_trip_embed_like_their_text_and_others_get_400()
    {
        int[] ids = server.Direct.Tokenize(["hello world"], EmbeddingGemmaGenerationOptions.ForRawPrompt(string.Empty))[0];
        int[] textIds = ids[1..^1];
        EmbeddingClient client = Client.GetEmbeddingClient("embeddinggemma:query");

        OpenAIEmbeddingCollection fromIds = (await client.GenerateEmbeddingsAsync([new ReadOnlyMemory<int>(textIds), new ReadOnlyMemory<int>(ids)])).Value;

        // The same batch as the server ran (padding shapes the last bits of a vector).
        GeneratedEmbeddings<Embedding<float>> expected = await server.Direct.GenerateQueryEmbeddingsAsync(["hello world", "hello world"]);
        Assert.Equal(expected[0].Vector.ToArray(), fromIds[0].ToFloats().ToArray());
        Assert.Equal(expected[1].Vector.ToArray(), fromIds[1].ToFloats().ToArray());

        // Ids no text tokenizes to (a byte-fallback token alone is not the text it decodes to) and ids beyond the vocabulary.
        ClientResultException outside = await Assert.ThrowsAsync<ClientResultException>(() => client.GenerateEmbeddingsAsync([new ReadOnlyMemory<int>([5, 999_999_999])]));
        Assert.Equal(422, outside.Status);
        using HttpResponseMessage special = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { textIds[0], server.Direct.Tokenizer.EndOfSentenceId, textIds[1] } });
        await Json.AssertOpenAiErrorAsync(special, HttpStatusCode.BadRequest, "input[1] is the special token");
        int[] split = SplitIds(textIds);
        using HttpResponseMessage noRoundTrip = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { split } });
        await Json.AssertOpenAiErrorAsync(noRoundTrip, HttpStatusCode.BadRequest, "input[0]: these token ids do not round-trip");
    }

    [Fact]
    public async Task Models_lists_the_plain_id_and_one_per_prompt_and_an_unknown_model_is_404_in_OpenAIs_shape()
    {
        JsonElement models = await server.Http.GetFromJsonAsync<JsonElement>("/v1/models");
        string[] ids = [.. models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
        Assert.Equal("embeddinggemma", ids[0]);
        Assert.Contains("embeddinggemma:query", ids);
        Assert.Contains("embeddinggemma:document", ids);
        Assert.Contains("embeddinggemma:Clustering", ids);
        Assert.Equal(server.Direct.PromptNames.Count() + 1, ids.Length);

        ClientResultException unknown = await Assert.ThrowsAsync<ClientResultException>(() => Client.GetEmbeddingClient("text-embedding-3-small").GenerateEmbeddingAsync("x"));
        Assert.Equal(404, unknown.Status);
        using HttpResponseMessage raw = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "embeddinggemma:nope" });
        JsonElement error = await Json.AssertOpenAiErrorAsync(raw, HttpStatusCode.NotFound, "The model 'embeddinggemma:nope' does not exist on this server; its models are embeddinggemma, ");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());

        using HttpResponseMessage conflict = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "embeddinggemma:query", prompt_name = "document" });
        await Json.AssertOpenAiErrorAsync(conflict, HttpStatusCode.BadRequest, "selects the prompt 'query' but prompt_name is 'document'");
    }

    [Fact]
    public async Task Over_long_input_is_refused_with_413_by_default_and_truncated_and_reported_with_auto_truncate()
    {
        string longText = string.Join(' ', Enumerable.Repeat("word", ServerFixture.MaxTokens * 2));
        ClientResultException refused = await Assert.ThrowsAsync<ClientResultException>(() => Client.GetEmbeddingClient("embeddinggemma").GenerateEmbeddingsAsync(["short", longText]));
        Assert.Equal(413, refused.Status);
        using HttpResponseMessage raw = await server.Http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "short", longText } });
        await Json.AssertOpenAiErrorAsync(raw, HttpStatusCode.RequestEntityTooLarge, "input[1] is longer than the model's 64 tokens");

        await using TestServer truncating = await TestServer.StartAsync(new Dictionary<string, string?>(TestServer.TinySettings(ServerFixture.MaxTokens)) { ["EmbeddingGemmaServer:AutoTruncate"] = "true" });
        using HttpResponseMessage cut = await truncating.Http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "short", longText, longText } });
        string body = await cut.Content.ReadAsStringAsync();
        Assert.True(cut.IsSuccessStatusCode, body);
        Assert.Equal("1,2", Assert.Single(cut.Headers.GetValues("X-Truncated-Inputs")));
        float[] served = Json.Floats(JsonDocument.Parse(body).RootElement.GetProperty("data")[1].GetProperty("embedding"));
        Assert.Equal((await server.Direct.GenerateDocumentEmbeddingsAsync(["short", longText, longText]))[1].Vector.ToArray(), served);
    }

    /// <summary>A text's ids with its first multi-character token replaced by the ids of its pieces: same text, other ids.</summary>
    private int[] SplitIds(int[] textIds)
    {
        foreach (int id in textIds)
        {
            string piece = server.Direct.Tokenizer.Decode([id]);
            for (int cut = 1; cut < piece.Length; cut++)
            {
                var left = new List<int>();
                var right = new List<int>();
                server.Direct.Tokenizer.AppendTextIds(piece.AsSpan(0, cut), left);
                server.Direct.Tokenizer.AppendTextIds(piece.AsSpan(cut), right);
                int[] split = [.. left, .. right];
                if (split.Length > 1 && split.All(i => i != server.Direct.Tokenizer.BeginningOfSentenceId))
                {
                    int at = Array.IndexOf(textIds, id);
                    return [.. textIds[..at], .. split, .. textIds[(at + 1)..]];
                }
            }
        }

        throw new InvalidOperationException("No token of the text splits into other tokens.");
    }
}
