using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.Hub;

namespace SkEmbeddingGemma;

/// <summary>
/// Settings of an EmbeddingGemma registration (<c>AddEmbeddingGemma</c>), bindable from the <c>EmbeddingGemma</c>
/// configuration section. They are validated when the host starts; each message names the bad setting.
/// </summary>
/// <remarks>
/// The model loads once, on first use (or at start with <see cref="EagerLoad"/>), from <see cref="ModelLocator"/> when set,
/// else from <see cref="ModelPath"/>, else from the Hugging Face Hub: <see cref="HubRepository"/> at <see cref="HubRevision"/>
/// (by default <c>onnx-community/embeddinggemma-300m-ONNX</c> at <c>main</c>), downloaded once into the huggingface_hub
/// cache and reused from there without any request. Instances are read when the model loads; later changes have no
/// effect on it.
/// </remarks>
public sealed class EmbeddingGemmaServiceOptions
{
    /// <summary>The configuration section <c>AddEmbeddingGemma(IConfiguration)</c> is usually given: <c>EmbeddingGemma</c>.</summary>
    public const string SectionName = "EmbeddingGemma";

    /// <summary>
    /// Gets or sets the local model folder in the onnx-community layout (<c>onnx/model.onnx</c>, <c>tokenizer.json</c>, ...).
    /// When set, it is used as is and the Hub is never contacted; the start checks that it holds <see cref="Variant"/>'s graph.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Gets or sets a hook that finds (or downloads) the model folder when the model loads; it wins over
    /// <see cref="ModelPath"/> and the Hub settings. It runs once per successful load, with the caller's cancellation token.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, Task<string>>? ModelLocator { get; set; }

    /// <summary>
    /// Gets or sets the Hugging Face Hub repository the model comes from when no <see cref="ModelPath"/> is set; by default
    /// <see cref="HuggingFaceHub.DefaultRepository"/>. Only <see cref="Variant"/>'s graph, the tokenizer and the configs are fetched.
    /// </summary>
    public string? HubRepository { get; set; }

    /// <summary>Gets or sets the branch, tag or commit hash of <see cref="HubRepository"/>; by default <c>main</c>.</summary>
    public string? HubRevision { get; set; }

    /// <summary>Gets or sets the Hub's address, such as a mirror; by default <c>HF_ENDPOINT</c>, else <c>https://huggingface.co</c>.</summary>
    public string? HubEndpoint { get; set; }

    /// <summary>
    /// Gets or sets the huggingface_hub cache folder; by default <c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else
    /// <c>~/.cache/huggingface/hub</c>. The access token always comes from <c>HF_TOKEN</c> or <c>hf auth login</c>'s token file.
    /// </summary>
    public string? HubCacheDirectory { get; set; }

    /// <summary>Gets or sets whether only the cache is used, never the network; by default <c>HF_HUB_OFFLINE=1</c>.</summary>
    public bool? HubOffline { get; set; }

    /// <summary>
    /// Gets or sets whether a cached branch is checked against the Hub for a newer commit at each load. The default,
    /// <see langword="false"/>, keeps a cached model as it is, with no request, so new vectors stay comparable with stored ones.
    /// </summary>
    public bool HubCheckForUpdates { get; set; }

    /// <summary>
    /// Gets or sets whether files the Hub gives no hash for (a mirror with opaque ETags) are accepted on their size alone.
    /// The default, <see langword="false"/>, refuses them (<see cref="HubErrorKind.Unverifiable"/>); see
    /// <see cref="HubDownloadOptions.AllowUnverifiedFiles"/>.
    /// </summary>
    public bool HubAllowUnverifiedFiles { get; set; }

    /// <summary>Gets or sets where per-file Hub download progress goes; null for none.</summary>
    public IProgress<HubDownloadProgress>? HubProgress { get; set; }

    /// <summary>Gets or sets the graph under <c>onnx/</c> without extension (<c>model</c>, <c>model_quantized</c>, <c>model_q4</c>); by default <c>model</c>.</summary>
    public string? Variant { get; set; }

    /// <summary>Gets or sets the model id reported in metadata and on each embedding; by default the folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// Gets or sets the prompt name used when a call names none, such as <c>query</c> or <c>document</c>; by default none.
    /// It must be one of the model's prompts (built-in, or from its <c>config_sentence_transformers.json</c>): checked at
    /// start with a <see cref="ModelPath"/>, else when the model loads, as a configuration error naming this setting.
    /// </summary>
    public string? DefaultPromptName { get; set; }

    /// <summary>Gets or sets the Matryoshka width used when a call asks for none (768, 512, 256 or 128); by default the model's width.</summary>
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets ONNX Runtime's intra-op thread count; by default one per physical core the process may run on.</summary>
    public int? IntraOpNumThreads { get; set; }

    /// <summary>Gets or sets the most inputs in one ONNX run; by default <see cref="EmbeddingGemmaGeneratorOptions.MaxBatchSize"/>'s (8).</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>Gets or sets the most padded tokens in one ONNX run; by default <see cref="EmbeddingGemmaGeneratorOptions.MaxBatchTokens"/>'s (1,024).</summary>
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

    /// <summary>
    /// Gets or sets the ONNX Runtime execution provider (<c>Cpu</c>, the default, <c>Cuda</c>, <c>DirectML</c>, <c>CoreML</c>,
    /// <c>OpenVino</c>); every provider but the CPU needs its ONNX Runtime package.
    /// </summary>
    public EmbeddingGemmaExecutionProvider ExecutionProvider { get; set; }

    /// <summary>Gets or sets the execution provider's device index (CUDA, DirectML); by default 0.</summary>
    public int DeviceId { get; set; }

    /// <summary>
    /// Gets or sets a factory for ONNX Runtime session options, for tuning the other settings don't cover; it replaces
    /// <see cref="IntraOpNumThreads"/>, <see cref="ExecutionProvider"/> and <see cref="DeviceId"/>, which must then keep their defaults.
    /// </summary>
    public Func<SessionOptions>? SessionOptionsFactory { get; set; }

    /// <summary>Whether the model comes from the Hub: neither a locator nor a model folder is set.</summary>
    internal bool UsesHub => ModelLocator is null && string.IsNullOrWhiteSpace(ModelPath);

    /// <summary>The repository a Hub load downloads.</summary>
    internal string EffectiveHubRepository => HubRepository ?? HuggingFaceHub.DefaultRepository;

    /// <summary>The download these settings describe; left-out settings follow the <c>HF_*</c> variables.</summary>
    internal HubDownloadOptions ToHubDownloadOptions()
    {
        var download = new HubDownloadOptions
        {
            Repository = EffectiveHubRepository,
            Endpoint = HubEndpoint,
            CacheDirectory = HubCacheDirectory,
            Offline = HubOffline,
            CheckForUpdates = HubCheckForUpdates,
            AllowUnverifiedFiles = HubAllowUnverifiedFiles,
        };

        if (HubRevision is not null)
        {
            download.Revision = HubRevision;
        }

        if (!string.IsNullOrWhiteSpace(Variant))
        {
            download.Variant = Variant;
        }

        return download;
    }

    /// <summary>The generator's options; <paramref name="defaultModelId"/> is reported when <see cref="ModelId"/> is not set.</summary>
    internal EmbeddingGemmaGeneratorOptions ToGeneratorOptions(string? defaultModelId = null)
    {
        var options = new EmbeddingGemmaGeneratorOptions
        {
            ModelId = ModelId ?? defaultModelId,
            MaxTokens = MaxTokens,
            TruncateInputs = TruncateInputs,
            Dimensions = Dimensions,
            DefaultPromptName = DefaultPromptName,
            IntraOpNumThreads = IntraOpNumThreads,
            ExecutionProvider = ExecutionProvider,
            DeviceId = DeviceId,
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
