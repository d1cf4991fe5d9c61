namespace SkEmbeddingGemma.Samples.EmbeddingServer;

/// <summary>The server's request limits and the model name it reports (section <c>EmbeddingServer</c>).</summary>
public sealed class EmbeddingServerOptions
{
    /// <summary>Gets or sets the model name reported in OpenAI responses; requests may name any model.</summary>
    public string ModelName { get; set; } = "embeddinggemma";

    /// <summary>Gets or sets the most inputs one request may carry (more: 413).</summary>
    public int MaxInputs { get; set; } = 256;

    /// <summary>Gets or sets the most characters one input may have (more: 413).</summary>
    public int MaxInputLength { get; set; } = 65536;

    /// <summary>Gets or sets the largest request body in bytes (more: 413).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
}
