namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The cheap first pass of a two-stage search (<see cref="FaissTwoStageSearchOptions"/>).</summary>
public enum FaissFirstPass
{
    /// <summary>
    /// Sign bits of the vectors in a FAISS binary index (Hamming distance): a 32nd of float32's memory. The vector
    /// property's index kind picks the structure: flat, HNSW or IVF.
    /// </summary>
    Binary,

    /// <summary>FAISS's 8-bit scalar quantizer (<c>SQ8</c>, per-dimension ranges trained on the vectors): a quarter of the memory.</summary>
    Int8,

    /// <summary>
    /// A float index of the first <see cref="FaissTwoStageSearchOptions.PrefixDimensions"/> dimensions (Matryoshka
    /// truncation, renormalized for dot product and cosine).
    /// </summary>
    MatryoshkaPrefix,
}
