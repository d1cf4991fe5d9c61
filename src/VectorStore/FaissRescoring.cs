using System.Numerics.Tensors;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The second stage of a two-stage search: exact scores of the candidates' stored float vectors.</summary>
internal static class FaissRescoring
{
    /// <summary>
    /// Scores each candidate as the float index of the distance would (an inner product or a squared L2 distance; the
    /// query is already normalized where the distance normalizes, stored vectors are normalized here, as the float index
    /// stores them) and returns the best <paramref name="k"/>, ties by id. The scores are FAISS's raw ones, which
    /// <see cref="FaissDistance.ToScore"/> turns into the distance function's.
    /// </summary>
    internal static List<(long Id, float Score)> Rescore(IEnumerable<(long Id, float[] Vector)> candidates, float[] query, int k, FaissDistance distance)
    {
        var scored = new List<(long Id, float Score)>();
        foreach ((long id, float[] vector) in candidates)
        {
            if (vector.Length != query.Length)
            {
                continue;
            }

            float score;
            if (distance.Metric == FaissMetric.L2)
            {
                TensorPrimitives.Subtract(vector, query, vector);
                score = TensorPrimitives.SumOfSquares(vector);
            }
            else
            {
                if (distance.Normalize)
                {
                    FaissSearchMapping.NormalizeInPlace(vector);
                }

                score = TensorPrimitives.Dot(query, vector);
            }

            scored.Add((id, score));
        }

        // Raw order: the higher inner product, or the lower squared distance, is closer.
        bool higherIsBetter = distance.Metric == FaissMetric.InnerProduct;
        scored.Sort((a, b) =>
        {
            int byScore = higherIsBetter ? b.Score.CompareTo(a.Score) : a.Score.CompareTo(b.Score);
            return byScore != 0 ? byScore : a.Id.CompareTo(b.Id);
        });
        if (scored.Count > k)
        {
            scored.RemoveRange(k, scored.Count - k);
        }

        return scored;
    }
}
