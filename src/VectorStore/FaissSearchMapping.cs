using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Score conventions of the supported distance functions.</summary>
internal static class FaissSearchMapping
{
    /// <summary>Gets a value indicating whether higher scores are better (similarities) rather than lower (distances).</summary>
    internal static bool HigherIsBetter(string distanceFunction)
        => distanceFunction is not (DistanceFunction.EuclideanSquaredDistance or DistanceFunction.HammingDistance);

    /// <summary>Gets a value indicating whether <paramref name="score"/> passes a score threshold.</summary>
    internal static bool PassesThreshold(double score, double? threshold, string distanceFunction)
        => threshold is not double t || (HigherIsBetter(distanceFunction) ? score >= t : score <= t);

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
