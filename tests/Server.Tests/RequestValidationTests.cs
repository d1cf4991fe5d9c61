using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SkEmbeddingGemma.AspNetCore.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>Malformed and over-limit requests: a JSON error naming the problem, in the route's shape; the server keeps serving.</summary>
public sealed class RequestValidationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Http => server.Http;

    [Theory]
    [InlineData("/v1/embeddings", """{"input":["a","b","c","d","e","f","g","h","i"]}""", HttpStatusCode.RequestEntityTooLarge, "limit is 8")]
    [InlineData("/embed", """{"inputs":["a","b","c","d","e","f","g","h","i"]}""", HttpStatusCode.RequestEntityTooLarge, "limit is 8")]
    [InlineData("/v1/embeddings", """{"input":"x","dimensions":0}""", HttpStatusCode.UnprocessableEntity, "dimensions")]
    [InlineData("/v1/embeddings", """{"input":"x","dimensions":1000}""", HttpStatusCode.UnprocessableEntity, "Dimensions 1000")]
    [InlineData("/v1/embeddings", """{"input":"x","prompt_name":"no-such-prompt"}""", HttpStatusCode.UnprocessableEntity, "no-such-prompt")]
    [InlineData("/v1/embeddings", """{"input":"x","encoding_format":"int8"}""", HttpStatusCode.UnprocessableEntity, "encoding_format")]
    [InlineData("/v1/embeddings", """{"input":[[1.5]]}""", HttpStatusCode.UnprocessableEntity, "input[0][0] is 1.5, not a token id")]
    [InlineData("/v1/embeddings", """{"model":"embeddinggemma"}""", HttpStatusCode.UnprocessableEntity, "'input' is required")]
    [InlineData("/v1/embeddings", """{"input":[]}""", HttpStatusCode.UnprocessableEntity, "empty")]
    [InlineData("/v1/embeddings", """{"input":""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("/tokenize", """{"inputs":42}""", HttpStatusCode.UnprocessableEntity, "string or an array")]
    [InlineData("/embed", """{"inputs":"x","truncation_direction":"up"}""", HttpStatusCode.UnprocessableEntity, "truncation_direction 'up'")]
    public async Task Bad_requests_get_a_JSON_error_and_the_server_keeps_serving(string path, string json, HttpStatusCode status, string message)
    {
        using HttpResponseMessage response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, status, message);
        await Json.PostOkAsync(Http, "/v1/embeddings", new { input = "still alive" });
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
        await Json.PostOkAsync(Http, path, path.EndsWith("embeddings", StringComparison.Ordinal) ? new { input = "still alive" } : new { inputs = "still alive" });
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
        float[] vector = Json.Floats(JsonDocument.Parse(text).RootElement.GetProperty("data")[0].GetProperty("embedding"));
        Assert.Equal((await server.Direct.GenerateDocumentEmbeddingAsync("with a BOM")).Vector.ToArray(), vector);
    }

    [Fact]
    public async Task Over_long_inputs_and_bodies_get_413()
    {
        using HttpResponseMessage longInput = await Http.PostAsJsonAsync("/v1/embeddings", new { input = new string('a', 2001) });
        await Json.AssertOpenAiErrorAsync(longInput, HttpStatusCode.RequestEntityTooLarge, "2001 characters");

        string big = JsonSerializer.Serialize(new { input = Enumerable.Repeat(new string('b', 1500), 8) }) + new string(' ', 8000);
        using HttpResponseMessage declared = await Http.PostAsync("/v1/embeddings", new StringContent(big, Encoding.UTF8, "application/json"));
        await Json.AssertOpenAiErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "16384");

        // Chunked, so no Content-Length: Kestrel's body limit stops it mid-read.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/embed") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage streamed = await Http.SendAsync(request);
        await Json.AssertTeiErrorAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "16384");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        JsonElement error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        string actual = error.ValueKind == JsonValueKind.Object ? error.GetProperty("message").GetString()! : error.GetString()!;
        Assert.Contains(message, actual, StringComparison.Ordinal);
    }
}
