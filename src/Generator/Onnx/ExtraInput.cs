using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SkEmbeddingGemma.Onnx;

/// <summary>How a graph input other than the token ids and mask is filled for text-only embedding.</summary>
internal enum ExtraInputKind
{
    /// <summary><c>position_ids</c>: 0..T-1 on every row.</summary>
    Positions,

    /// <summary><c>token_type_ids</c>: zeros.</summary>
    Zeros,

    /// <summary>
    /// A float feature input of another modality (EmbeddingGemma 2's <c>image_features</c>, <c>video_features</c>,
    /// <c>audio_features</c>, one row per media placeholder token): an empty tensor, no rows of the hidden width.
    /// </summary>
    EmptyFeatures,
}

/// <summary>A graph input other than the token ids and mask.</summary>
internal sealed record ExtraInput(string Name, ExtraInputKind Kind, long[] EmptyShape)
{
    /// <summary>Decides how to fill an input, or refuses a graph that needs something text cannot give.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="metadata">The input's type and shape.</param>
    /// <param name="modelPath">The graph, for messages.</param>
    /// <param name="featureWidth">
    /// The width of a media feature row when the graph leaves it symbolic: the text model's hidden size from
    /// <c>config.json</c>, or null when the folder states none.
    /// </param>
    /// <exception cref="InvalidDataException">The input is of no known kind, or its row width is unknown.</exception>
    public static ExtraInput Describe(string name, NodeMetadata metadata, string modelPath, int? featureWidth)
    {
        if (metadata.ElementDataType == TensorElementType.Int64 && metadata.Dimensions.Length == 2)
        {
            if (name == "position_ids")
            {
                return new ExtraInput(name, ExtraInputKind.Positions, []);
            }

            if (name == "token_type_ids")
            {
                return new ExtraInput(name, ExtraInputKind.Zeros, []);
            }
        }

        // Modality features such as EmbeddingGemma 2's image_features [num_image_tokens, hidden]: text has no media
        // placeholders, so it passes no rows. The rows keep their width, which the graph's merge of features into the
        // token embeddings checks: from the shape when fixed, else the text model's hidden size.
        int[] dimensions = metadata.Dimensions;
        if (metadata.ElementDataType == TensorElementType.Float && dimensions.Length >= 2 && dimensions[..^1].Any(d => d < 0))
        {
            long width = dimensions[^1] > 0 ? dimensions[^1]
                : featureWidth is > 0 ? featureWidth.Value
                : throw new InvalidDataException(
                    $"'{modelPath}': input '{name}' takes media feature rows of a symbolic width, and config.json states no " +
                    "hidden_size (in text_config) to give the empty rows of text-only input that width.");
            long[] shape = [.. dimensions[..^1].Select(d => d < 0 ? 0L : d), width];
            return new ExtraInput(name, ExtraInputKind.EmptyFeatures, shape);
        }

        throw new InvalidDataException(
            $"'{modelPath}' has an input '{name}' ({metadata.ElementDataType}, rank {metadata.Dimensions.Length}) that " +
            "a text embedding cannot fill; it is not an EmbeddingGemma export this library knows.");
    }
}
