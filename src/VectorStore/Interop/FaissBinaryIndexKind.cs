namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>The FAISS binary index structures the shim builds (<c>SKFB_KIND_*</c>).</summary>
internal enum FaissBinaryIndexKind
{
    /// <summary><c>IndexBinaryFlat</c> behind an ID map: exact Hamming search.</summary>
    Flat = 0,

    /// <summary><c>IndexBinaryHNSW</c> behind an ID map (no removal).</summary>
    Hnsw = 1,

    /// <summary><c>IndexBinaryIVF</c> over a flat binary quantizer (needs training).</summary>
    Ivf = 2,
}
