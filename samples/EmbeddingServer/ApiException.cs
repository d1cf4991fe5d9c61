namespace SkEmbeddingGemma.Samples.EmbeddingServer;

/// <summary>A request the server refuses, with the status code and message to answer.</summary>
internal sealed class ApiException(int statusCode, string message, string type = "invalid_request_error") : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Type { get; } = type;
}
