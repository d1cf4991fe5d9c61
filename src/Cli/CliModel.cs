namespace SkEmbeddingGemma.Cli;

/// <summary>Finds the model folder: <c>--model</c>, else <c>EMBEDDINGGEMMA_MODEL_PATH</c>.</summary>
internal static class CliModel
{
    /// <summary>The environment variable naming the default model folder.</summary>
    public const string EnvironmentVariable = "EMBEDDINGGEMMA_MODEL_PATH";

    /// <summary>What to do when no model is at hand.</summary>
    public const string HowToGetOne =
        "Run 'embeddinggemma download' (onnx-community/embeddinggemma-300m-ONNX by default; it prints the model folder; HF_ENDPOINT, " +
        "HF_TOKEN and HF_HUB_OFFLINE apply) or copy an " +
        "EmbeddingGemma ONNX export (onnx/model.onnx, onnx/model.onnx_data, tokenizer.json, config.json) into a folder, then pass " +
        "--model FOLDER or set " + EnvironmentVariable + "=FOLDER.";

    /// <summary>Resolves the folder.</summary>
    /// <exception cref="ArgumentException">Neither is given.</exception>
    public static string Resolve(string? model) =>
        !string.IsNullOrWhiteSpace(model) ? model
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : throw new ArgumentException($"No model given. {HowToGetOne}");
}
