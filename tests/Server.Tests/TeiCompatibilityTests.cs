using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.AspNetCore.Tests.Support;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>The requests Text Embeddings Inference documents (its OpenAPI: /embed, /embed_all, /tokenize, /decode, /info, /health, /metrics), sent raw.</summary>
public sealed class TeiCompatibilityTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Http => server.Http;

    [Fact]
    public async Task Embed_takes_a_string_or_a_batch_with_prompt_name_and_dimensions()
    {
        using HttpResponseMessage timed = await Http.PostAsJsonAsync("/embed", new { inputs = "What is Deep Learning?" });
        Assert.Equal(HttpStatusCode.OK, timed.StatusCode);
        Assert.True(long.Parse(timed.Headers.GetValues("x-inference-time").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.True(long.Parse(timed.Headers.GetValues("x-compute-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture) > 2);
        JsonElement single = await timed.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement batch = await Json.PostOkAsync(Http, "/embed", new { inputs = new[] { "doc one", "doc two" }, prompt_name = "query", dimensions = 32, normalize = true, truncate = false, truncation_direction = "Right" });

        // Without prompt_name the server's default prompt applies: document.
        Assert.Equal((await server.Direct.GenerateDocumentEmbeddingAsync("What is Deep Learning?")).Vector.ToArray(), Json.Floats(single[0]));
        GeneratedEmbeddings<Embedding<float>> expected = await server.Direct.GenerateQueryEmbeddingsAsync(["doc one", "doc two"], dimensions: 32);
        Assert.Equal(2, batch.GetArrayLength());
        for (int i = 0; i < 2; i++)
        {
            float[] vector = Json.Floats(batch[i]);
            Assert.Equal(expected[i].Vector.ToArray(), vector);
            Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
        }
    }

    [Fact]
    public async Task Embed_refuses_over_long_inputs_unless_truncate_and_reports_what_it_cut()
    {
        string longText = string.Join(' ', Enumerable.Repeat("word", ServerFixture.MaxTokens * 2));
        using HttpResponseMessage refused = await Http.PostAsJsonAsync("/embed", new { inputs = longText });
        Assert.Equal("Validation", await Json.AssertTeiErrorAsync(refused, HttpStatusCode.RequestEntityTooLarge, "inputs[0] is longer than the model's 64 tokens; send truncate: true"));

        using HttpResponseMessage cut = await Http.PostAsJsonAsync("/embed", new { inputs = new[] { "short", longText }, truncate = true });
        Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
        Assert.Equal("1", Assert.Single(cut.Headers.GetValues("X-Truncated-Inputs")));
        Assert.Equal(64, (await cut.Content.ReadFromJsonAsync<JsonElement>())[1].GetArrayLength());

        // Left is fine when nothing is cut: the direction does not matter then.
        Assert.Equal(
            Json.Floats((await Json.PostOkAsync(Http, "/embed", new { inputs = "short" }))[0]),
            Json.Floats((await Json.PostOkAsync(Http, "/embed", new { inputs = "short", truncation_direction = "left" }))[0]));
    }

    [Fact]
    public async Task Embed_truncation_direction_Left_keeps_the_end_of_the_text_as_the_engine_does()
    {
        // Numbered words, so the start and the end of the text are different tokens.
        string longText = string.Join(' ', Enumerable.Range(0, ServerFixture.MaxTokens * 2).Select(i => $"w{i}"));
        using HttpResponseMessage left = await Http.PostAsJsonAsync("/embed", new { inputs = new[] { longText, "short" }, truncate = true, truncation_direction = "Left", prompt_name = "query" });
        string text = await left.Content.ReadAsStringAsync();
        Assert.True(left.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("0", Assert.Single(left.Headers.GetValues("X-Truncated-Inputs")));
        JsonElement body = JsonDocument.Parse(text).RootElement;
        JsonElement right = await Json.PostOkAsync(Http, "/embed", new { inputs = longText, truncate = true, prompt_name = "query" });

        EmbeddingGenerationOptions options = EmbeddingGemmaGenerationOptions.ForQuery();
        options.AdditionalProperties![EmbeddingGemmaPropertyNames.TruncationDirection] = "left";
        GeneratedEmbeddings<Embedding<float>> expected = await server.Direct.GenerateAsync([longText, "short"], options);
        Assert.Equal(expected[0].Vector.ToArray(), Json.Floats(body[0]));
        Assert.Equal(expected[1].Vector.ToArray(), Json.Floats(body[1]));
        Assert.NotEqual(Json.Floats(right[0]), Json.Floats(body[0]));

        // What the model saw: <bos>, the last 62 text tokens (the prompt was cut first), <eos>.
        int[] ids = server.Direct.Tokenize([longText], options)[0];
        int[] whole = server.Direct.Tokenizer.EncodeFramed(server.Direct.GetPrompt("query") + longText, int.MaxValue, out _);
        Assert.Equal(server.Direct.Tokenizer.BeginningOfSentenceId, ids[0]);
        Assert.Equal(server.Direct.Tokenizer.EndOfSentenceId, ids[^1]);
        Assert.Equal(whole[^(ServerFixture.MaxTokens - 1)..^1], ids[1..^1]);
        Assert.EndsWith($"w{ServerFixture.MaxTokens * 2 - 1}", server.Direct.Tokenizer.Decode(ids[1..^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Normalize_false_is_refused_saying_why_in_TEIs_error_shape()
    {
        using HttpResponseMessage raw = await Http.PostAsJsonAsync("/embed", new { inputs = "text", normalize = false });
        Assert.Equal("Validation", await Json.AssertTeiErrorAsync(raw, HttpStatusCode.UnprocessableEntity, "normalize: false is not supported: the EmbeddingGemma ONNX graph applies the L2 normalization inside its 'sentence_embedding' output and does not output the vector before it"));
    }

    [Fact]
    public async Task Tokenize_and_decode_round_trip_the_models_ids()
    {
        JsonElement body = await Json.PostOkAsync(Http, "/tokenize", new { inputs = "hello world", prompt_name = "query" });
        int[] ids = [.. body[0].EnumerateArray().Select(t => t.GetProperty("id").GetInt32())];
        Assert.Equal(server.Direct.Tokenize(["hello world"], EmbeddingGemmaGenerationOptions.ForQuery())[0], ids);
        Assert.True(body[0][0].GetProperty("special").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body[0][0].GetProperty("start").ValueKind);

        JsonElement plain = await Json.PostOkAsync(Http, "/tokenize", new { inputs = new[] { "hello world" }, add_special_tokens = false, prompt_name = "query" });
        Assert.All(plain[0].EnumerateArray(), t => Assert.False(t.GetProperty("special").GetBoolean()));

        JsonElement decoded = await Json.PostOkAsync(Http, "/decode", new { ids = new[] { ids, ids[^3..] } });
        Assert.Equal("task: search result | query: hello world", decoded[0].GetString());
        Assert.Equal(2, decoded.GetArrayLength());
        JsonElement single = await Json.PostOkAsync(Http, "/decode", new { ids });
        Assert.Equal("task: search result | query: hello world", single[0].GetString());

        using HttpResponseMessage bad = await Http.PostAsJsonAsync("/decode", new { ids = new[] { 1, -4 } });
        await Json.AssertTeiErrorAsync(bad, HttpStatusCode.UnprocessableEntity, "ids[1] is -4, not a token id of this model");
    }

    [Fact]
    public async Task Info_health_and_metrics_answer_in_TEIs_terms()
    {
        await Json.PostOkAsync(Http, "/embed", new { inputs = new[] { "a", "b" } });

        JsonElement info = await Http.GetFromJsonAsync<JsonElement>("/info");
        Assert.Equal(server.Direct.ModelId, info.GetProperty("model_id").GetString());
        Assert.Equal(ServerFixture.MaxTokens, info.GetProperty("max_input_length").GetInt32());
        Assert.Equal(8, info.GetProperty("max_client_batch_size").GetInt32());
        Assert.Equal(512, info.GetProperty("max_concurrent_requests").GetInt32());
        Assert.False(info.GetProperty("auto_truncate").GetBoolean());
        Assert.Equal("mean", info.GetProperty("model_type").GetProperty("embedding").GetProperty("pooling").GetString());
        Assert.Equal("document", info.GetProperty("default_prompt_name").GetString());
        Assert.Equal(TinyModel.Dimensions, info.GetProperty("dimensions").GetInt32());

        using HttpResponseMessage health = await Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        JsonElement report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("embeddinggemma", report.GetProperty("checks")[0].GetProperty("name").GetString());

        string metrics = await Http.GetStringAsync("/metrics");
        Assert.Matches(@"te_request_count\{method=""batch""\} [1-9]", metrics);
        Assert.Matches(@"te_request_success\{method=""batch""\} [1-9]", metrics);
        Assert.Contains("# TYPE te_request_duration histogram", metrics, StringComparison.Ordinal);
        Assert.Matches(@"te_batch_next_size_count [1-9]", metrics);
        Assert.Matches(@"te_request_queue_duration_count [1-9]", metrics);
        Assert.Matches(@"te_request_inference_duration_sum [0-9.]*[1-9]", metrics);
        Assert.Contains("te_request_duration_bucket{le=\"+Inf\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("embeddinggemma_requests_total{endpoint=\"tei_embed\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("embeddinggemma_model_loaded 1", metrics, StringComparison.Ordinal);

        // Memory, split into the resident set and the .NET heap's share of it: the model alone is more than a megabyte.
        Assert.Matches(@"\nprocess_resident_memory_bytes [1-9][0-9]{6,}\n", metrics);
        Assert.Matches(@"\ndotnet_gc_committed_bytes [1-9][0-9]{5,}\n", metrics);
    }
}
