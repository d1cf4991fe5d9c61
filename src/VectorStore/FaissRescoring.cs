using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The second stage of a two-stage search: exact scores of the candidates' stored float vectors.</summary>
internal static class FaissRescoring
{
    /// <summary>
    /// Scores each candidate with the distance function (the query is already normalized for cosine; stored vectors
    /// are normalized here, as the float index stores them) and returns the best <paramref name="k"/>, ties by id.
    /// </summary>
    internal static List<(long Id, float Score)> Rescore(IEnumerable<(long Id, float[] Vector)> candidates, float[] query, int k, string distance)
    {
        var scored = new List<(long Id, float Score)>();
        foreach ((long id, float[] vector) in candidates)
        {
            if (vector.Length != query.Length)
            {
                continue;
            }

            float score;
            if (distance == DistanceFunction.EuclideanSquaredDistance)
            {
                TensorPrimitives.Subtract(vector, query, vector);
                score = TensorPrimitives.SumOfSquares(vector);
            }
            else
            {
                if (distance == DistanceFunction.CosineSimilarity)
                {
                    FaissSearchMapping.NormalizeInPlace(vector);
                }

                score = TensorPrimitives.Dot(query, vector);
            }

            scored.Add((id, score));
        }

        bool higherIsBetter = FaissSearchMapping.HigherIsBetter(distance);
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
