namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The second stage of a two-stage search over vectors already in memory (see <see cref="FaissRescorer"/>).</summary>
internal static class FaissRescoring
{
    /// <summary>Scores each candidate as the float index of the distance would and returns the best <paramref name="k"/>, ties by id.</summary>
    internal static List<(long Id, float Score)> Rescore(IEnumerable<(long Id, float[] Vector)> candidates, float[] query, int k, FaissDistance distance)
    {
        var rescorer = new FaissRescorer(query, distance, candidates.TryGetNonEnumeratedCount(out int count) ? count : 0);
        foreach ((long id, float[] vector) in candidates)
        {
            rescorer.Add(id, vector);
        }

        return rescorer.Top(k);
    }
}
