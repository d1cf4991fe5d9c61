using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>Posting JSON and reading either error shape: OpenAI's <c>{error: {message, type, code}}</c> or TEI's <c>{error, error_type}</c>.</summary>
public static class Json
{
    public static async Task<JsonElement> PostOkAsync(HttpClient http, string path, object body)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    /// <summary>Asserts the status and an OpenAI-shaped error whose message contains <paramref name="message"/>; returns the error object.</summary>
    public static async Task<JsonElement> AssertOpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        JsonElement error = JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
        Assert.Equal(JsonValueKind.Object, error.ValueKind);
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        return error;
    }

    /// <summary>Asserts the status and a TEI-shaped error; returns its error_type.</summary>
    public static async Task<string> AssertTeiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        JsonElement root = JsonDocument.Parse(text).RootElement;
        Assert.Contains(message, root.GetProperty("error").GetString(), StringComparison.Ordinal);
        return root.GetProperty("error_type").GetString()!;
    }
}
