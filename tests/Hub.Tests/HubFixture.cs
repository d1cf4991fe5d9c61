using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>A small fake model, a temp cache (never ~/.cache) and a download call that ignores the process environment.</summary>
internal static class HubFixture
{
    /// <summary>The largest file of a model, the one fault tests cut.</summary>
    public const string DataFile = "onnx/model.onnx_data";

    private static readonly Lazy<Dictionary<string, byte[]>> s_tinyModelFiles = new(() => Directory
        .EnumerateFiles(TinyModelFolder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(TinyModelFolder, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal));

    /// <summary>The project's tiny random-weight EmbeddingGemma with the real tokenizer, a folder that really runs.</summary>
    public static string TinyModelFolder => TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);

    /// <summary>Every file of <see cref="TinyModelFolder"/> by its repository path, read once per test run.</summary>
    public static IReadOnlyDictionary<string, byte[]> TinyModelFiles => s_tinyModelFiles.Value;

    /// <summary>A Hub serving the tiny model as <see cref="HuggingFaceHub.DefaultRepository"/>, what a fresh machine would fetch.</summary>
    public static Task<FakeHub> StartDefaultRepositoryHubAsync() => FakeHub.StartAsync(TinyModelFiles, HuggingFaceHub.DefaultRepository);

    public static Dictionary<string, byte[]> SmallModel()
    {
        var random = new Random(7);
        byte[] Bytes(int length)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            return data;
        }

        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["README.md"] = "# not needed"u8.ToArray(),
            ["config.json"] = """{"architectures":["Gemma3TextModel"]}"""u8.ToArray(),
            ["tokenizer_config.json"] = """{"model_max_length":2048}"""u8.ToArray(),
            ["tokenizer.json"] = Bytes(50_000),
            ["onnx/model.onnx"] = Bytes(20_000),
            ["onnx/model.onnx_data"] = Bytes(3_000_000),
            ["onnx/model.onnx_data_1"] = Bytes(10_000),
            ["onnx/model_quantized.onnx"] = Bytes(5_000),
            ["onnx/model_fp16.onnx"] = Bytes(5_000),
        };
    }

    /// <summary>The files the default variant needs, as the downloader should fetch them.</summary>
    public static readonly string[] ModelFiles = ["config.json", "tokenizer_config.json", "tokenizer.json", "onnx/model.onnx", "onnx/model.onnx_data", "onnx/model.onnx_data_1"];

    public static HubDownloadOptions Options(FakeHub hub, string cache) => new()
    {
        Repository = FakeHub.Repository,
        Endpoint = hub.Endpoint,
        CacheDirectory = cache,
        Offline = false,
    };

    public static Task<string> DownloadAsync(HubDownloadOptions options, IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        HuggingFaceHub.DownloadModelAsync(options, _ => null, progress, cancellationToken);

    public static string RepoFolder(string cache) => Path.Combine(cache, "models--test-org--tiny-model");
}
