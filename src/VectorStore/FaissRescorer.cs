using System.Numerics.Tensors;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The second stage of a two-stage search: scores candidates' stored vectors exactly, one at a time as they are read
/// (spans over the reader's buffer, so no array per candidate), and keeps the best. Scores are the float index's raw
/// ones (an inner product, or a squared L2 distance; the query is already normalized where the distance normalizes,
/// stored vectors are normalized here, as the float index stores them), which <see cref="FaissDistance.ToScore"/>
/// turns into the distance function's.
/// </summary>
internal sealed class FaissRescorer
{
    private readonly float[] _query;
    private readonly FaissDistance _distance;
    private readonly float[] _scratch;
    private readonly float[] _dequantized;
    private readonly List<(long Id, float Score)> _scored;

    /// <param name="query">The float query, normalized already where the distance normalizes.</param>
    /// <param name="distance">The vector property's distance.</param>
    /// <param name="capacity">How many candidates are expected.</param>
    internal FaissRescorer(float[] query, FaissDistance distance, int capacity)
    {
        _query = query;
        _distance = distance;
        _scratch = new float[query.Length];
        _dequantized = new float[query.Length];
        _scored = new List<(long, float)>(capacity);
    }

    /// <summary>Gets the number of candidates scored so far.</summary>
    internal int Count => _scored.Count;

    /// <summary>Scores one candidate's float vector (read only during the call); a vector of another width is skipped.</summary>
    internal void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _query.Length)
        {
            return;
        }

        float score;
        if (_distance.Metric == FaissMetric.L2)
        {
            TensorPrimitives.Subtract(vector, _query, _scratch);
            score = TensorPrimitives.SumOfSquares(_scratch);
        }
        else if (_distance.Normalize)
        {
            // The same operations as normalizing a copy of the stored vector, so scores equal the float index's.
            vector.CopyTo(_scratch);
            FaissSearchMapping.NormalizeInPlace(_scratch);
            score = TensorPrimitives.Dot(_query, _scratch);
        }
        else
        {
            score = TensorPrimitives.Dot(_query, vector);
        }

        _scored.Add((id, score));
    }

    /// <summary>
    /// Scores one candidate from its int8 copy (<see cref="FaissInt8Vectors"/>, read only during the call): the
    /// dequantized vector is scored as a float one, so the score approximates the exact one.
    /// </summary>
    internal void AddInt8(long id, ReadOnlySpan<byte> blob)
    {
        if (blob.Length != FaissInt8Vectors.BlobLength(_query.Length))
        {
            return;
        }

        FaissInt8Vectors.Dequantize(blob, _dequantized);
        Add(id, _dequantized);
    }

    /// <summary>Returns the best <paramref name="k"/> candidates, best first, ties by id.</summary>
    internal List<(long Id, float Score)> Top(int k)
    {
        // Raw order: the higher inner product, or the lower squared distance, is closer.
        bool higherIsBetter = _distance.Metric == FaissMetric.InnerProduct;
        _scored.Sort((a, b) =>
        {
            int byScore = higherIsBetter ? b.Score.CompareTo(a.Score) : a.Score.CompareTo(b.Score);
            return byScore != 0 ? byScore : a.Id.CompareTo(b.Id);
        });
        if (_scored.Count > k)
        {
            _scored.RemoveRange(k, _scored.Count - k);
        }

        return _scored;
    }
}
