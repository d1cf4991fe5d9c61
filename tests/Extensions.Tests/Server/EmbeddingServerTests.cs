using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;

namespace SkEmbeddingGemma.Extensions.Tests.Server;

/// <summary>The sample embedding server over real HTTP on 127.0.0.1.</summary>
public sealed class EmbeddingServerTests(EmbeddingServerFixture server) : IClassFixture<EmbeddingServerFixture>
{
    private HttpClient Http => server.Http;

    [Fact]
    public async Task Official_OpenAI_client_gets_the_generators_own_embeddings()
    {
        IEmbeddingGenerator<string, Embedding<float>> client = new OpenAIClient(
                new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") })
            .GetEmbeddingClient("embeddinggemma")
            .AsIEmbeddingGenerator();

        GeneratedEmbeddings<Embedding<float>> remote = await client.GenerateAsync(["first text", "second text"]);
        GeneratedEmbeddings<Embedding<float>> local = await server.Direct.GenerateAsync(["first text", "second text"]);
        Assert.Equal(2, remote.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(local[i].Vector.ToArray(), remote[i].Vector.ToArray());
        }

        Assert.Equal(local.Usage!.InputTokenCount, remote.Usage!.InputTokenCount);

        Embedding<float> narrow = (await client.GenerateAsync(["first text"], new EmbeddingGenerationOptions { Dimensions = 32 }))[0];
        Assert.Equal((await server.Direct.GenerateAsync(["first text"], new EmbeddingGenerationOptions { Dimensions = 32 }))[0].Vector.ToArray(), narrow.Vector.ToArray());
    }

    [Fact]
    public async Task OpenAI_endpoint_takes_a_string_prompt_name_and_both_encodings()
    {
        JsonElement asFloat = await PostOkAsync("/v1/embeddings", new { input = "where is Paris?", model = "any", prompt_name = "query" });
        JsonElement asBase64 = await PostOkAsync("/v1/embeddings", new { input = new[] { "where is Paris?" }, prompt_name = "query", encoding_format = "base64" });

        Embedding<float> expected = await server.Direct.GenerateQueryEmbeddingAsync("where is Paris?");
        float[] floats = asFloat.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        byte[] bytes = Convert.FromBase64String(asBase64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(expected.Vector.ToArray(), floats);
        Assert.Equal(expected.Vector.ToArray(), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray());
        Assert.Equal("list", asFloat.GetProperty("object").GetString());
        Assert.Equal("embedding", asFloat.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.Equal("embeddinggemma", asFloat.GetProperty("model").GetString());
        Assert.Equal(server.Direct.Tokenize(["where is Paris?"], EmbeddingGemmaGenerationOptions.ForQuery())[0].Length,
            asFloat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task TEI_embed_applies_prompt_and_dimensions()
    {
        JsonElement body = await PostOkAsync("/embed", new { inputs = new[] { "doc one", "doc two" }, prompt_name = "document", dimensions = 32, normalize = true });

        GeneratedEmbeddings<Embedding<float>> expected = await server.Direct.GenerateDocumentEmbeddingsAsync(["doc one", "doc two"], dimensions: 32);
        Assert.Equal(2, body.GetArrayLength());
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i].Vector.ToArray(), body[i].EnumerateArray().Select(e => e.GetSingle()).ToArray());
        }
    }

    [Fact]
    public async Task TEI_embed_refuses_over_long_inputs_unless_truncate_is_set()
    {
        string longText = string.Join(' ', Enumerable.Repeat("word", EmbeddingServerFixture.MaxTokens * 2));
        using HttpResponseMessage refused = await Http.PostAsJsonAsync("/embed", new { inputs = longText });
        await AssertTeiErrorAsync(refused, HttpStatusCode.RequestEntityTooLarge, "truncate");

        JsonElement truncated = await PostOkAsync("/embed", new { inputs = longText, truncate = true });
        Assert.Equal(64, truncated[0].GetArrayLength());
    }

    [Fact]
    public async Task Tokenize_returns_the_models_token_ids()
    {
        JsonElement body = await PostOkAsync("/tokenize", new { inputs = "hello world", prompt_name = "query" });
        int[] ids = body[0].EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToArray();
        Assert.Equal(server.Direct.Tokenize(["hello world"], EmbeddingGemmaGenerationOptions.ForQuery())[0], ids);
        Assert.True(body[0][0].GetProperty("special").GetBoolean());

        JsonElement plain = await PostOkAsync("/tokenize", new { inputs = new[] { "hello world" }, add_special_tokens = false });
        Assert.All(plain[0].EnumerateArray(), t => Assert.False(t.GetProperty("special").GetBoolean()));
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"input":["a","b","c","d","e","f","g","h","i"]}""", HttpStatusCode.RequestEntityTooLarge, "limit is 8")]
    [InlineData("/embed", """{"inputs":["a","b","c","d","e","f","g","h","i"]}""", HttpStatusCode.RequestEntityTooLarge, "limit is 8")]
    [InlineData("/v1/embeddings", """{"input":"x","dimensions":0}""", HttpStatusCode.UnprocessableEntity, "dimensions")]
    [InlineData("/v1/embeddings", """{"input":"x","dimensions":1000}""", HttpStatusCode.UnprocessableEntity, "Dimensions 1000")]
    [InlineData("/v1/embeddings", """{"input":"x","prompt_name":"no-such-prompt"}""", HttpStatusCode.UnprocessableEntity, "no-such-prompt")]
    [InlineData("/v1/embeddings", """{"input":"x","encoding_format":"int8"}""", HttpStatusCode.UnprocessableEntity, "encoding_format")]
    [InlineData("/v1/embeddings", """{"input":[[1,2,3]]}""", HttpStatusCode.UnprocessableEntity, "token ids")]
    [InlineData("/v1/embeddings", """{"model":"x"}""", HttpStatusCode.UnprocessableEntity, "'input' is required")]
    [InlineData("/v1/embeddings", """{"input":[]}""", HttpStatusCode.UnprocessableEntity, "empty")]
    [InlineData("/v1/embeddings", """{"input":""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("/tokenize", """{"inputs":42}""", HttpStatusCode.UnprocessableEntity, "string or an array")]
    public async Task Bad_requests_get_a_JSON_error_and_the_server_keeps_serving(string path, string json, HttpStatusCode status, string message)
    {
        using HttpResponseMessage response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(status, response.StatusCode);
        JsonElement error = await response.Content.ReadFromJsonAsync<JsonElement>();
        string text = error.GetProperty("error").ValueKind == JsonValueKind.Object
            ? error.GetProperty("error").GetProperty("message").GetString()!
            : error.GetProperty("error").GetString()!;
        Assert.Contains(message, text, StringComparison.Ordinal);

        await PostOkAsync("/v1/embeddings", new { input = "still alive" });
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"input":["a","b","c","x\ud800y"]}""", "input[3] is not valid Unicode text: it holds the lone surrogate \\ud800")]
    [InlineData("/embeddings", """{"input":"\udc00 after a low surrogate"}""", "input is not valid Unicode text: it holds the lone surrogate \\udc00")]
    [InlineData("/embed", """{"inputs":["fine \ud83d\ude00 pair","\ud83d\ud83d\ude00"]}""", "inputs[1] is not valid Unicode text: it holds the lone surrogate \\ud83d")]
    [InlineData("/tokenize", """{"inputs":["ok"],"prompt_name":"query\ud800"}""", "prompt_name is not valid Unicode text")]
    [InlineData("/v1/embeddings", """{"input":["ok"],"model":"m","user":{"id":[1,"\\","\udfff"]}}""", "user.id[2] is not valid Unicode text: it holds the lone surrogate \\udfff")]
    public async Task A_lone_surrogate_escape_anywhere_gets_400_naming_where_it_is(string path, string json, string message)
    {
        using HttpResponseMessage response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, message);
        await PostOkAsync(path, path.EndsWith("embeddings", StringComparison.Ordinal) ? new { input = "still alive" } : new { inputs = "still alive" });
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"input":["a","b@"]}""", "in input[1]")]
    [InlineData("/embed", """{"inputs":"@"}""", "in inputs")]
    [InlineData("/tokenize", """{"in@puts":["a"]}""", "in a property name in the body")]
    public async Task Bytes_that_are_not_UTF8_get_400_naming_the_offset_and_the_field(string path, string json, string where)
    {
        // '@' marks where the invalid byte goes: 0xC3 starts a two-byte sequence that 0x28 ('(') cannot continue.
        int at = json.IndexOf('@', StringComparison.Ordinal);
        byte[] body = [.. Encoding.UTF8.GetBytes(json[..at]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(json[(at + 1)..])];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await Http.PostAsync(path, content);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, $"The request body is not valid UTF-8: byte 0xC3 at offset {at} ({where})");
    }

    [Fact]
    public async Task A_body_with_a_UTF8_byte_order_mark_is_read_as_before()
    {
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"input":"with a BOM"}""")]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await Http.PostAsync("/v1/embeddings", content);

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        float[] vector = JsonDocument.Parse(text).RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal((await server.Direct.GenerateAsync(["with a BOM"]))[0].Vector.ToArray(), vector);
    }

    [Fact]
    public async Task Over_long_inputs_and_bodies_get_413()
    {
        using HttpResponseMessage longInput = await Http.PostAsJsonAsync("/v1/embeddings", new { input = new string('a', 2001) });
        await AssertOpenAiErrorAsync(longInput, HttpStatusCode.RequestEntityTooLarge, "2001 characters");

        string big = JsonSerializer.Serialize(new { input = Enumerable.Repeat(new string('b', 1500), 8) }) + new string(' ', 8000);
        using HttpResponseMessage declared = await Http.PostAsync("/v1/embeddings", new StringContent(big, Encoding.UTF8, "application/json"));
        await AssertOpenAiErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "16384");

        // Chunked, so no Content-Length: Kestrel's body limit stops it mid-read.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/embed") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage streamed = await Http.SendAsync(request);
        await AssertTeiErrorAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "16384");
    }

    [Fact]
    public async Task Health_and_metrics_report_the_model_and_the_traffic()
    {
        await PostOkAsync("/v1/embeddings", new { input = "warm" });

        using HttpResponseMessage health = await Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        JsonElement report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("embeddinggemma", report.GetProperty("checks")[0].GetProperty("name").GetString());

        string metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("embeddinggemma_requests_total{endpoint=\"openai_embeddings\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("embeddinggemma_model_loaded 1", metrics, StringComparison.Ordinal);

        JsonElement models = await Http.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("embeddinggemma", models.GetProperty("data")[0].GetProperty("id").GetString());
    }

    private async Task<JsonElement> PostOkAsync(string path, object body)
    {
        using HttpResponseMessage response = await Http.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Either error shape: OpenAI's <c>{error: {message, type}}</c> (type invalid_request_error here) or TEI's <c>{error, error_type}</c>.</summary>
    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        JsonElement error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        if (error.ValueKind == JsonValueKind.Object)
        {
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(message, error.GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task AssertOpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        Assert.Equal(status, response.StatusCode);
        JsonElement error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task AssertTeiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        Assert.Equal(status, response.StatusCode);
        JsonElement error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
