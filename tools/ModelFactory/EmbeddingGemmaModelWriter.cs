using Google.Protobuf;
using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Writes a random-weight EmbeddingGemma folder laid out like onnx-community's export:
/// <c>onnx/model.onnx</c> (+ <c>model.onnx_data</c>), HF/sentence-transformers JSON files and the tokenizer files.
/// </summary>
public static class EmbeddingGemmaModelWriter
{
    /// <summary>
    /// Changes whenever generated graphs or weights change, so caches keyed by it rebuild.
    /// </summary>
    public const string GeneratorVersion = "1";

    /// <summary>Tokenizer files copied from the tokenizer directory when present.</summary>
    public static IReadOnlyList<string> TokenizerFileNames { get; } =
        ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

    /// <summary>Writes the model folder; existing files with the same names are overwritten.</summary>
    /// <param name="directory">Target folder (created if missing).</param>
    /// <param name="config">Architecture shape, e.g. <see cref="GemmaEncoderConfig.Tiny"/>.</param>
    /// <param name="seed">Weight seed; the same seed always gives the same bytes.</param>
    /// <param name="tokenizerDirectory">Folder holding the Gemma 3 tokenizer files, or <see langword="null"/> to write none.</param>
    /// <param name="variants">Which ONNX files to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> or <paramref name="config"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="config"/> is not a buildable shape.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="tokenizerDirectory"/> does not exist.</exception>
    public static void Write(string directory, GemmaEncoderConfig config, int seed, string? tokenizerDirectory, ModelVariants variants)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (tokenizerDirectory is not null && !Directory.Exists(tokenizerDirectory))
        {
            throw new DirectoryNotFoundException($"Tokenizer directory '{tokenizerDirectory}' does not exist.");
        }

        string onnxDirectory = Path.Combine(directory, "onnx");
        Directory.CreateDirectory(onnxDirectory);
        if (variants.HasFlag(ModelVariants.Float32))
        {
            WriteGraph(onnxDirectory, "model", config, seed, float16: false);
        }

        if (variants.HasFlag(ModelVariants.Float16))
        {
            WriteGraph(onnxDirectory, "model_fp16", config, seed, float16: true);
        }

        if (variants.HasFlag(ModelVariants.Int8))
        {
            WriteQuantized(onnxDirectory, config, seed, keepFloat: variants.HasFlag(ModelVariants.Float32));
        }

        HuggingFaceMetadata.WriteAll(directory, config);
        CopyTokenizerFiles(tokenizerDirectory, directory);
    }

    /// <summary>Copies the <see cref="TokenizerFileNames"/> present in <paramref name="tokenizerDirectory"/> into <paramref name="directory"/>.</summary>
    internal static void CopyTokenizerFiles(string? tokenizerDirectory, string directory)
    {
        if (tokenizerDirectory is null)
        {
            return;
        }

        foreach (string name in TokenizerFileNames)
        {
            string source = Path.Combine(tokenizerDirectory, name);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(directory, name), overwrite: true);
            }
        }
    }

    // Int8 is quantized from the float32 graph; without Float32 that graph is a temporary file.
    private static void WriteQuantized(string onnxDirectory, GemmaEncoderConfig config, int seed, bool keepFloat)
    {
        string baseName = keepFloat ? "model" : ".model_float_for_int8";
        if (!keepFloat)
        {
            WriteGraph(onnxDirectory, baseName, config, seed, float16: false);
        }

        try
        {
            OnnxDynamicQuantizer.Quantize(Path.Combine(onnxDirectory, baseName + ".onnx"), Path.Combine(onnxDirectory, "model_quantized.onnx"));
        }
        finally
        {
            if (!keepFloat)
            {
                File.Delete(Path.Combine(onnxDirectory, baseName + ".onnx"));
                File.Delete(Path.Combine(onnxDirectory, baseName + ".onnx_data"));
            }
        }
    }

    private static void WriteGraph(string onnxDirectory, string baseName, GemmaEncoderConfig config, int seed, bool float16)
    {
        Quantization.Onnx.ModelProto model;
        using (var weights = new ExternalDataWriter(Path.Combine(onnxDirectory, baseName + ".onnx_data"), seed, float16))
        {
            model = GemmaEncoderGraph.Build(config, weights);
        }

        using var stream = new FileStream(Path.Combine(onnxDirectory, baseName + ".onnx"), FileMode.Create, FileAccess.Write);
        model.WriteTo(stream);
    }
}
