using System.Numerics.Tensors;

namespace SkEmbeddingGemma.Pooling;

/// <summary>
/// Matryoshka (MRL) truncation: keep the first d dimensions of the model's L2-normalized embedding, then
/// re-normalize. At the model's full width the vector is returned as the graph produced it, bit for bit.
/// </summary>
internal static class MatryoshkaProjection
{
    /// <summary>Copies the first <paramref name="dimensions"/> values of <paramref name="embedding"/>, re-normalized when cut.</summary>
    public static float[] Project(ReadOnlySpan<float> embedding, int dimensions)
    {
        float[] result = embedding[..dimensions].ToArray();
        if (dimensions < embedding.Length)
        {
            float norm = TensorPrimitives.Norm(result);
            if (norm > 0f)
            {
                TensorPrimitives.Divide(result, norm, result);
            }
        }

        return result;
    }
}
