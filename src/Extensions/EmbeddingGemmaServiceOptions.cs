using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma;

/// <summary>
/// Settings of an EmbeddingGemma registration (<c>AddEmbeddingGemma</c>), bindable from the <c>EmbeddingGemma</c>
/// configuration section. They are validated when the host starts; each message names the bad setting.
/// </summary>
/// <remarks>
/// The model loads once, on first use (or at start with <see cref="EagerLoad"/>), from <see cref="ModelLocator"/> when set,
/// else from <see cref="ModelPath"/>. Instances are read when the model loads; later changes have no effect on it.
/// </remarks>
public sealed class EmbeddingGemmaServiceOptions
{
    /// <summary>The configuration section <c>AddEmbeddingGemma(IConfiguration)</c> is usually given: <c>EmbeddingGemma</c>.</summary>
    public const string SectionName = "EmbeddingGemma";

    /// <summary>
    /// Gets or sets the local model folder in the onnx-community layout (<c>onnx/model.onnx</c>, <c>tokenizer.json</c>, ...).
    /// Required unless <see cref="ModelLocator"/> is set.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Gets or sets a hook that finds (or downloads) the model folder when the model loads, such as a Hugging Face Hub
    /// download; it wins over <see cref="ModelPath"/>. It runs once per successful load, with the caller's cancellation token.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, Task<string>>? ModelLocator { get; set; }

    /// <summary>Gets or sets the graph under <c>onnx/</c> without extension (<c>model</c>, <c>model_quantized</c>, <c>model_q4</c>); by default <c>model</c>.</summary>
    public string? Variant { get; set; }

    /// <summary>Gets or sets the model id reported in metadata and on each embedding; by default the folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the prompt name used when a call names none, such as <c>query</c> or <c>document</c>; by default none.</summary>
    public string? DefaultPromptName { get; set; }

    /// <summary>Gets or sets the Matryoshka width used when a call asks for none (768, 512, 256 or 128); by default the model's width.</summary>
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets ONNX Runtime's intra-op thread count; by default ONNX Runtime's choice.</summary>
    public int? IntraOpNumThreads { get; set; }

    /// <summary>Gets or sets the most inputs in one ONNX run; by default 64.</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>Gets or sets the most padded tokens in one ONNX run; by default 8,192.</summary>
    public int? MaxBatchTokens { get; set; }

    /// <summary>Gets or sets the most tokens an input keeps, <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> included; by default the model's limit (2,048).</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets whether over-long inputs are truncated (the default) rather than refused.</summary>
    public bool TruncateInputs { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the model loads while the host starts (a hosted warm-up service) instead of on first use.
    /// A failed eager load fails the host's start with the loader's message.
    /// </summary>
    public bool EagerLoad { get; set; }

    /// <summary>Gets or sets a factory for ONNX Runtime session options (execution providers, tuning); overrides <see cref="IntraOpNumThreads"/>.</summary>
    public Func<SessionOptions>? SessionOptionsFactory { get; set; }

    internal EmbeddingGemmaGeneratorOptions ToGeneratorOptions()
    {
        var options = new EmbeddingGemmaGeneratorOptions
        {
            ModelId = ModelId,
            MaxTokens = MaxTokens,
            TruncateInputs = TruncateInputs,
            Dimensions = Dimensions,
            DefaultPromptName = DefaultPromptName,
            IntraOpNumThreads = IntraOpNumThreads,
            SessionOptionsFactory = SessionOptionsFactory,
        };

        if (!string.IsNullOrWhiteSpace(Variant))
        {
            options.Variant = Variant;
        }

        if (MaxBatchSize is int batchSize)
        {
            options.MaxBatchSize = batchSize;
        }

        if (MaxBatchTokens is int batchTokens)
        {
            options.MaxBatchTokens = batchTokens;
        }

        return options;
    }
}
