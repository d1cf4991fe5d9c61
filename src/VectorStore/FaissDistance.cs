using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// How one MEVD distance function maps onto a FAISS index: the index's metric, whether vectors are normalized before
/// they reach it, and the transform from FAISS's raw result to the score the abstraction defines (with its direction).
/// Several functions share an index layout (cosine distance is 1 minus the inner product of normalized vectors), so
/// an index kind or vector encoding (binary vectors, <see cref="FaissMetric.Hamming"/>) only adds a metric and its entries here.
/// </summary>
internal sealed class FaissDistance
{
    private static readonly FaissDistance[] s_all =
    [
        new(DistanceFunction.DotProductSimilarity, FaissMetric.InnerProduct, normalize: false, higherIsBetter: true, static raw => raw),
        new(DistanceFunction.NegativeDotProductSimilarity, FaissMetric.InnerProduct, normalize: false, higherIsBetter: false, static raw => -raw),
        new(DistanceFunction.CosineSimilarity, FaissMetric.InnerProduct, normalize: true, higherIsBetter: true, static raw => raw),
        new(DistanceFunction.CosineDistance, FaissMetric.InnerProduct, normalize: true, higherIsBetter: false, static raw => 1 - raw),
        new(DistanceFunction.EuclideanSquaredDistance, FaissMetric.L2, normalize: false, higherIsBetter: false, static raw => raw),

        // FAISS returns squared L2; rounding can leave a tiny negative value for identical vectors.
        new(DistanceFunction.EuclideanDistance, FaissMetric.L2, normalize: false, higherIsBetter: false, static raw => Math.Sqrt(Math.Max(raw, 0))),

        // Bit vectors only (FaissModelBuilder refuses it for float vectors): a FAISS binary index counts differing bits.
        new(DistanceFunction.HammingDistance, FaissMetric.Hamming, normalize: false, higherIsBetter: false, static raw => raw),
    ];

    private readonly Func<double, double> _toScore;

    private FaissDistance(string name, FaissMetric metric, bool normalize, bool higherIsBetter, Func<double, double> toScore)
    {
        Name = name;
        Metric = metric;
        Normalize = normalize;
        HigherIsBetter = higherIsBetter;
        _toScore = toScore;
    }

    /// <summary>The distance function used when a vector property names none.</summary>
    internal const string Default = DistanceFunction.DotProductSimilarity;

    /// <summary>Gets the MEVD distance function name.</summary>
    internal string Name { get; }

    /// <summary>Gets the metric of the FAISS index that serves this function.</summary>
    internal FaissMetric Metric { get; }

    /// <summary>Gets a value indicating whether vectors are scaled to unit length before they are added or searched.</summary>
    internal bool Normalize { get; }

    /// <summary>Gets a value indicating whether higher scores are better (similarities) rather than lower (distances).</summary>
    internal bool HigherIsBetter { get; }

    /// <summary>Gets the supported distance function names, for messages.</summary>
    internal static string SupportedNames => string.Join(", ", s_all.Select(d => d.Name));

    /// <summary>Gets the distance of a vector property (its function, or <see cref="Default"/>).</summary>
    /// <exception cref="NotSupportedException">The FAISS connector can't serve the property's distance function.</exception>
    internal static FaissDistance For(VectorPropertyModel property)
    {
        string name = property.DistanceFunction ?? Default;
        return Named(name)
            ?? throw new NotSupportedException(
                $"Distance function '{name}' of vector property '{property.ModelName}' is not supported by the FAISS connector; use {SupportedNames}.");
    }

    /// <summary>Gets the mapping of a distance function name, or null when the connector does not support it.</summary>
    internal static FaissDistance? Named(string name) => s_all.FirstOrDefault(d => d.Name == name);

    /// <summary>Converts what FAISS returned (an inner product or a squared L2 distance) into this function's score.</summary>
    internal double ToScore(float raw) => _toScore(raw);

    /// <summary>Gets a value indicating whether <paramref name="score"/> passes a score threshold.</summary>
    internal bool PassesThreshold(double score, double? threshold)
        => threshold is not double t || (HigherIsBetter ? score >= t : score <= t);
}
