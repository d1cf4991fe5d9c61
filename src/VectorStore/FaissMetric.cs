namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>The metric of a FAISS index (what its search returns, best first).</summary>
internal enum FaissMetric
{
    /// <summary>Inner product: higher is closer.</summary>
    InnerProduct,

    /// <summary>Squared Euclidean distance: lower is closer.</summary>
    L2,
}
