namespace SkEmbeddingGemma.Model;

/// <summary>
/// Finds the files of an EmbeddingGemma folder in the onnx-community layout: <c>onnx/{variant}.onnx</c>
/// (+ <c>{variant}.onnx_data</c>), the tokenizer and the configs at the root.
/// </summary>
internal static class ModelFolder
{
    /// <summary>The variant loaded when none is named: full-precision float32.</summary>
    public const string DefaultVariant = "model";

    /// <summary>Resolves the ONNX graph of a variant (<c>model</c>, <c>model_quantized</c>, <c>model_q4</c>, ...).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The variant's graph is not in the folder; the message lists the variants that are.</exception>
    /// <exception cref="NotSupportedException">The variant is float16, which EmbeddingGemma does not support.</exception>
    public static string ResolveGraph(string modelDirectory, string variant)
    {
        if (!Directory.Exists(modelDirectory))
        {
            throw new DirectoryNotFoundException($"The EmbeddingGemma model folder '{modelDirectory}' does not exist.");
        }

        // A name, never a path: nothing may point outside the model folder.
        string name = variant.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? variant[..^".onnx".Length] : variant;
        if (!IsVariantName(name))
        {
            throw new ArgumentException($"'{variant}' is not a model variant name such as 'model' or 'model_quantized'.", nameof(variant));
        }

        ThrowIfFloat16(name);
        foreach (string candidate in new[] { Path.Combine(modelDirectory, "onnx", name + ".onnx"), Path.Combine(modelDirectory, name + ".onnx") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string[] available = ListVariants(modelDirectory);
        throw new FileNotFoundException(
            $"The model folder '{modelDirectory}' has no '{name}' variant (looked for onnx/{name}.onnx). " +
            (available.Length == 0
                ? "It has no ONNX graph at all: download an EmbeddingGemma ONNX export such as onnx-community/embeddinggemma-300m-ONNX into it."
                : $"Variants present: {string.Join(", ", available)}."),
            Path.Combine(modelDirectory, "onnx", name + ".onnx"));
    }

    /// <summary>Whether <paramref name="name"/> is a plain file name (no separators, not <c>.</c> or <c>..</c>) usable as a variant.</summary>
    public static bool IsVariantName(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\']) < 0 && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && name is not ("." or "..");

    /// <summary>Whether a variant's name says float16 (<c>fp16</c> or <c>float16</c>).</summary>
    public static bool IsFloat16Name(string variant) =>
        variant.Contains("fp16", StringComparison.OrdinalIgnoreCase) || variant.Contains("float16", StringComparison.OrdinalIgnoreCase);

    /// <summary>Lists the variant names found under <c>onnx/</c> and at the root.</summary>
    public static string[] ListVariants(string modelDirectory) =>
        new[] { Path.Combine(modelDirectory, "onnx"), modelDirectory }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.onnx"))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Refuses float16 variants by name: EmbeddingGemma's activations overflow float16.</summary>
    /// <exception cref="NotSupportedException">The name denotes a float16 variant.</exception>
    public static void ThrowIfFloat16(string variant)
    {
        if (IsFloat16Name(variant))
        {
            throw Float16NotSupported(variant);
        }
    }

    /// <summary>The error for a float16 model.</summary>
    public static NotSupportedException Float16NotSupported(string what) => new(
        $"'{what}' is a float16 model, and EmbeddingGemma does not support float16: its activations overflow the " +
        "float16 range and the embeddings come out as NaN or garbage. Use the float32 'model' variant, or a quantized " +
        "one ('model_quantized', 'model_q4').");
}
