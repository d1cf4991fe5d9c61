namespace Rag;

/// <summary>An OpenAI-compatible chat endpoint; a null endpoint means api.openai.com.</summary>
public sealed record ChatSettings(Uri? Endpoint, string? ApiKey, string Model)
{
    /// <summary>The endpoint as messages show it.</summary>
    public string EndpointText => Endpoint?.ToString() ?? "https://api.openai.com/v1";
}
