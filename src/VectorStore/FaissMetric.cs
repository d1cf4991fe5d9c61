namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The metric of a FAISS index (what its search returns, best first).</summary>
internal enum FaissMetric
{
    /// <summary>Inner product: higher is closer.</summary>
    InnerProduct,

    /// <summary>Squared Euclidean distance: lower is closer.</summary>
    L2,

    /// <summary>Hamming distance between sign bits, in a FAISS binary index: lower is closer.</summary>
    Hamming,
}
