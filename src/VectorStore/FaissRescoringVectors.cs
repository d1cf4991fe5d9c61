namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The stored vectors a two-stage search rescores its candidates with (<see cref="FaissTwoStageSearchOptions.RescoringVectors"/>).</summary>
public enum FaissRescoringVectors
{
    /// <summary>The float32 vectors the records were stored with: exact scores.</summary>
    Float32,

    /// <summary>
    /// An int8 copy of each vector (one scale per vector, 127 steps each side of zero) in its own SQLite table: a
    /// quarter of float32's bytes to read per candidate, so rescoring touches four times fewer pages. Scores are computed
    /// against the dequantized vectors and are approximate (near ties may swap); the float32 vectors stay stored for
    /// index rebuilds and <c>IncludeVectors</c>. Candidates without an int8 copy (written by an instance without this
    /// option) are scored from their float32 vectors.
    /// </summary>
    Int8,
}
