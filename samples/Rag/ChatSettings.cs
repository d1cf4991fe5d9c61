namespace Rag;

/// <summary>An OpenAI-compatible chat endpoint; a null endpoint means api.openai.com.</summary>
public sealed record ChatSettings(Uri? Endpoint, string? ApiKey, string Model);
