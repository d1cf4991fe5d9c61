using SkEmbeddingGemma.Model;

namespace SkEmbeddingGemma;

/// <summary>
/// The variants of an EmbeddingGemma folder in the onnx-community layout: <c>onnx/{variant}.onnx</c>
/// (+ <c>{variant}.onnx_data</c>), the tokenizer and the configs at the root.
/// </summary>
public static class EmbeddingGemmaModelFolder
{
    /// <summary>The variant loaded when none is named: the full-precision float32 graph.</summary>
    public const string DefaultVariant = ModelFolder.DefaultVariant;

    /// <summary>Resolves the ONNX graph file of a variant (<c>model</c>, <c>model_quantized</c>, <c>model_q4</c>, ...).</summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <param name="variant">The variant name, with or without <c>.onnx</c>.</param>
    /// <returns>The graph's path.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelDirectory"/> or <paramref name="variant"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="variant"/> is not a plain file name.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The variant's graph is not in the folder; the message lists the variants that are.</exception>
    /// <exception cref="NotSupportedException">The variant is float16, which EmbeddingGemma does not support.</exception>
    public static string ResolveGraph(string modelDirectory, string variant)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        ArgumentNullException.ThrowIfNull(variant);
        return ModelFolder.ResolveGraph(modelDirectory, variant);
    }

    /// <summary>Whether <paramref name="name"/> can name a variant: a plain file name (no separators, not <c>.</c> or <c>..</c>).</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when it is usable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static bool IsVariantName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ModelFolder.IsVariantName(name);
    }

    /// <summary>Whether a variant's name says float16 (<c>fp16</c> or <c>float16</c>), which EmbeddingGemma refuses.</summary>
    /// <param name="variant">The variant name.</param>
    /// <returns><see langword="true"/> for a float16 name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variant"/> is null.</exception>
    public static bool IsFloat16Name(string variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return ModelFolder.IsFloat16Name(variant);
    }
}
