using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma;

/// <summary>Settings for loading and running an <see cref="EmbeddingGemmaGenerator"/>. Every setting has a validated default.</summary>
/// <remarks>Instances are read once, when the generator is created; changing them afterwards has no effect on it.</remarks>
public sealed class EmbeddingGemmaGeneratorOptions
{
    /// <summary>
    /// Gets or sets the graph to load: a file name under <c>onnx/</c> without extension, such as <c>model</c> (float32, the
    /// default), <c>model_quantized</c> or <c>model_q4</c>. Float16 variants are refused: EmbeddingGemma overflows float16.
    /// </summary>
    /// <exception cref="ArgumentException">The value is null or blank.</exception>
    public string Variant
    {
        get;
        set => field = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Variant is required: the name of a graph under onnx/, such as 'model'.", nameof(value)) : value;
    } = "model";

    /// <summary>Gets or sets the model id reported in metadata and on every embedding; by default the folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// Gets or sets the most tokens an input may have, <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> included; by default the
    /// model's limit, which its folder states (<c>sentence_bert_config.json</c>'s <c>max_seq_length</c>). It cannot
    /// exceed the model's limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 2.</exception>
    public int? MaxTokens
    {
        get;
        set => field = value is < 2 ? throw OutOfRange(value, nameof(MaxTokens), "at least 2, room for <bos> and <eos>") : value;
    }

    /// <summary>
    /// Gets or sets whether over-long inputs are truncated (<c>&lt;bos&gt;</c>, the first tokens, <c>&lt;eos&gt;</c>), as
    /// sentence-transformers does; the default is <see langword="true"/>. When <see langword="false"/>, an over-long
    /// input fails the call with an <see cref="ArgumentException"/>.
    /// </summary>
    public bool TruncateInputs { get; set; } = true;

    /// <summary>
    /// Gets or sets the most inputs in one ONNX run; the default is 8. On CPU small runs are faster: see BENCHMARKS.md,
    /// where 8 × 1,024 tokens ran 1.45× faster than 64 × 8,192 on the same corpus.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxBatchSize
    {
        get;
        set => field = value < 1 ? throw OutOfRange(value, nameof(MaxBatchSize), "at least 1 input per batch") : value;
    } = 8;

    /// <summary>
    /// Gets or sets the most padded tokens (rows × longest row) in one ONNX run; the default is 1,024, which keeps a run's
    /// activations cache-sized on CPU. An input longer than this still runs, alone.
    /// </summary>
    /// <remarks>
    /// Rows longer than EmbeddingGemma 300m's context count more than their length: rows × longest² divided by that
    /// context, because attention memory grows with the square of the length. So inputs near EmbeddingGemma 2's longer
    /// limit share a run only under a budget that covers the square of their length, and a budget raised for short
    /// inputs does not put many long ones in one run.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxBatchTokens
    {
        get;
        set => field = value < 1 ? throw OutOfRange(value, nameof(MaxBatchTokens), "at least 1 token") : value;
    } = 1024;

    /// <summary>Gets or sets the Matryoshka width used when a call asks for none; by default the model's full width (768).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int? Dimensions
    {
        get;
        set => field = value is < 1 ? throw OutOfRange(value, nameof(Dimensions), "1 up to the model's embedding width (768 for EmbeddingGemma)") : value;
    }

    /// <summary>
    /// Gets or sets EmbeddingGemma 2's soft-token budget per image (the image processor's <c>max_soft_tokens</c>): 70, 140,
    /// 280, 560 or 1120; by default the folder's <c>processor_config.json</c> value (280 for the released model). A larger
    /// budget keeps more detail and costs more vision-encoder and text-model work per image.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of the five budgets.</exception>
    public int? ImageSoftTokens
    {
        get;
        set => field = value is null || value is 70 or 140 or 280 or 560 or 1120 ? value
            : throw OutOfRange(value, nameof(ImageSoftTokens), "70, 140, 280, 560 or 1120 soft tokens");
    }

    /// <summary>
    /// Gets or sets how many frames per second are sampled from a video file (a <c>video/*</c> <see cref="Microsoft.Extensions.AI.DataContent"/>),
    /// as transformers.js' <c>load_video(src, { fps })</c> does before its video processor keeps at most <c>max_frames</c>
    /// of them; 1 by default. Decoding video files needs FFmpeg (<c>ffmpeg</c> and <c>ffprobe</c>) on the <c>PATH</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite, or above 240.</exception>
    public double VideoFramesPerSecond
    {
        get;
        set => field = value is > 0 and <= 240 ? value : throw OutOfRange(value, nameof(VideoFramesPerSecond), "more than 0 and at most 240 frames per second");
    } = 1;

    /// <summary>
    /// Gets or sets the prompt name used when a call names none (see <see cref="EmbeddingGemmaPromptNames"/>); by default
    /// the folder's <c>default_prompt_name</c>, which for EmbeddingGemma is none, as with sentence-transformers' <c>encode</c>.
    /// </summary>
    public string? DefaultPromptName { get; set; }

    /// <summary>
    /// Gets or sets ONNX Runtime's intra-op thread count; by default one per physical core this process may run on (on Linux
    /// counted from sysfs within the process's CPU affinity and quota, elsewhere ONNX Runtime's own count).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int? IntraOpNumThreads
    {
        get;
        set => field = value is < 1 ? throw OutOfRange(value, nameof(IntraOpNumThreads), "at least 1 thread") : value;
    }

    /// <summary>
    /// Gets or sets the execution provider; the default is <see cref="EmbeddingGemmaExecutionProvider.Cpu"/>. Other
    /// providers need their ONNX Runtime package: without it, creating the generator throws a
    /// <see cref="NotSupportedException"/> that names the package.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined provider.</exception>
    public EmbeddingGemmaExecutionProvider ExecutionProvider
    {
        get;
        set => field = Enum.IsDefined(value) ? value : throw OutOfRange(value, nameof(ExecutionProvider), $"one of {string.Join(", ", Enum.GetNames<EmbeddingGemmaExecutionProvider>())}");
    }

    /// <summary>Gets or sets the device the execution provider runs on (CUDA and DirectML device index); the default is 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int DeviceId
    {
        get;
        set => field = value < 0 ? throw OutOfRange(value, nameof(DeviceId), "0 or more") : value;
    }

    /// <summary>
    /// Gets or sets a factory for the ONNX Runtime session options, for settings the other options don't cover (custom
    /// execution-provider options, profiling, ...); the generator disposes what it returns. When set,
    /// <see cref="IntraOpNumThreads"/>, <see cref="ExecutionProvider"/> and <see cref="DeviceId"/> must keep their defaults.
    /// </summary>
    public Func<SessionOptions>? SessionOptionsFactory { get; set; }

    // The message names the option and its range, so it reads on its own (the CLI prints it without the parameter name).
    private static ArgumentOutOfRangeException OutOfRange(object? value, string option, string range) =>
        new("value", value, $"{option} {value} is out of range: {range}.");
}
