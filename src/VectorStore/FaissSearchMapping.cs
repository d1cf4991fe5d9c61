using System.Numerics.Tensors;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Vector math shared by adding and searching (score conventions are <see cref="FaissDistance"/>'s).</summary>
internal static class FaissSearchMapping
{
    /// <summary>Scales a vector to unit length (zero vectors stay zero).</summary>
    internal static void NormalizeInPlace(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
