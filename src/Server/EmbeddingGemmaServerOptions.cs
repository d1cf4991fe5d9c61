namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Settings of the HTTP embedding service that <c>MapEmbeddingGemma()</c> serves, bindable from the
/// <c>EmbeddingGemmaServer</c> configuration section. The model's own settings (folder, variant, batch sizes, default
/// prompt) stay in <see cref="EmbeddingGemmaServiceOptions"/>. They are validated when the host starts; each problem is
/// one message naming its setting.
/// </summary>
/// <remarks>Read once, when the first request arrives; later changes have no effect. Not thread-safe to mutate.</remarks>
public sealed class EmbeddingGemmaServerOptions
{
    /// <summary>The configuration section <c>AddEmbeddingGemmaServer(IConfiguration)</c> binds: <c>EmbeddingGemmaServer</c>.</summary>
    public const string SectionName = "EmbeddingGemmaServer";

    /// <summary>
    /// Gets or sets the model id OpenAI clients name, <c>embeddinggemma</c> by default. <c>GET /v1/models</c> lists it
    /// and one id per prompt, <c>{ModelName}:{prompt}</c> (<c>embeddinggemma:query</c>, <c>embeddinggemma:document</c>,
    /// <c>embeddinggemma:STS</c>, ...), so a client chooses the role through the model name alone.
    /// </summary>
    public string ModelName { get; set; } = "embeddinggemma";

    /// <summary>Gets or sets the most inputs one request may carry (TEI's <c>--max-client-batch-size</c>); more: 413.</summary>
    public int MaxClientBatchSize { get; set; } = 256;

    /// <summary>Gets or sets the most characters one input may have; more: 413 before any tokenizing.</summary>
    public int MaxInputLength { get; set; } = 256 * 1024;

    /// <summary>Gets or sets the largest request body in bytes (TEI's <c>--payload-limit</c>); more: 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the most requests served at once (TEI's <c>--max-concurrent-requests</c>); one more is answered 429
    /// at once, so a load balancer can send it elsewhere.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 512;

    /// <summary>
    /// Gets or sets whether an input longer than the model's token limit is truncated (TEI's <c>--auto-truncate</c>)
    /// rather than refused with 413. Either way it is never silent: truncated inputs are listed in the
    /// <c>X-Truncated-Inputs</c> response header. TEI's per-request <c>truncate</c> overrides it.
    /// </summary>
    public bool AutoTruncate { get; set; }

    /// <summary>Gets or sets whether concurrent requests are merged into batched model runs (on by default).</summary>
    public bool MicroBatching { get; set; } = true;

    /// <summary>Gets or sets how long, in milliseconds, the first request of a batch waits for others to join.</summary>
    public double MicroBatchWindowMilliseconds { get; set; } = 2;

    /// <summary>Gets or sets the most inputs one merged batch carries (TEI's <c>--max-batch-requests</c>).</summary>
    public int MaxBatchRequests { get; set; } = 64;

    /// <summary>
    /// Gets or sets the most merged batches that run at once; 0 means no limit. The default, 1, is Text Embeddings
    /// Inference's queue: requests that arrive while a batch runs wait for it and then go together, so batches grow
    /// with the load and runs never compete for the cores (one ONNX Runtime run already uses all its threads).
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>
    /// Gets or sets the API keys a request may present as <c>Authorization: Bearer KEY</c>; empty (the default) means
    /// no authentication. Health routes never ask for one, so probes work. Keys are compared in constant time.
    /// </summary>
    public IList<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Gets or sets whether the model is loaded and run once on a full batch right after start, before
    /// <c>/health/ready</c> answers 200, so the first client request is not the slow one. On by default.
    /// </summary>
    public bool Warmup { get; set; } = true;

    /// <summary>Gets or sets the tokens of each warm-up input (capped at the model's limit).</summary>
    public int WarmupTokens { get; set; } = 512;
}
