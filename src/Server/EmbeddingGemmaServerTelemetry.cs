namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Names of the server's OpenTelemetry sources: add them to an OpenTelemetry SDK
/// (<c>.AddSource(EmbeddingGemmaServerTelemetry.Name)</c>, <c>.AddMeter(EmbeddingGemmaServerTelemetry.Name)</c>) to
/// export one span per request and per model batch, and the request, token and batch metrics.
/// </summary>
public static class EmbeddingGemmaServerTelemetry
{
    /// <summary>The name of both the <see cref="System.Diagnostics.ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "SkEmbeddingGemma.AspNetCore";
}
