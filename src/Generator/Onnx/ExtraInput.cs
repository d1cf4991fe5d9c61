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

    /// <summary>A float feature input of another modality (image, video, audio): an empty tensor.</summary>
    EmptyFeatures,
}

/// <summary>A graph input other than the token ids and mask.</summary>
internal sealed record ExtraInput(string Name, ExtraInputKind Kind, long[] EmptyShape)
{
    /// <summary>Decides how to fill an input, or refuses a graph that needs something text cannot give.</summary>
    /// <exception cref="InvalidDataException">The input is of no known kind.</exception>
    public static ExtraInput Describe(string name, NodeMetadata metadata, string modelPath)
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

        // Modality features such as EmbeddingGemma 2's image_features [n, 512]: text-only calls pass n = 0.
        if (metadata.ElementDataType == TensorElementType.Float && metadata.Dimensions.Length >= 1 &&
            metadata.Dimensions.Any(d => d < 0))
        {
            return new ExtraInput(name, ExtraInputKind.EmptyFeatures, metadata.Dimensions.Select(d => d < 0 ? 0L : d).ToArray());
        }

        throw new InvalidDataException(
            $"'{modelPath}' has an input '{name}' ({metadata.ElementDataType}, rank {metadata.Dimensions.Length}) that " +
            "a text embedding cannot fill; it is not an EmbeddingGemma export this library knows.");
    }
}
