using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Builds and validates collection models for the FAISS connector.</summary>
internal sealed class FaissModelBuilder() : CollectionModelBuilder(BuildingOptions)
{
    internal const string SupportedVectorTypes = "ReadOnlyMemory<float>, ReadOnlyMemory<float>?, Embedding<float>, float[]";
    internal const string SupportedKeyTypes = "Guid, int, long, string";

    internal static readonly CollectionModelBuildingOptions BuildingOptions = new()
    {
        // One FAISS index per vector property; a record without one is stored and read, but not searched.
        RequiresAtLeastOneVector = false,
        SupportsMultipleVectors = true,
    };

    /// <summary>Gets a value indicating whether a vector property holds vectors itself (no embedding generation).</summary>
    internal static bool IsNativeVectorType(Type type)
        => type == typeof(ReadOnlyMemory<float>)
            || type == typeof(ReadOnlyMemory<float>?)
            || type == typeof(Embedding<float>)
            || type == typeof(float[]);

    internal static bool IsSupportedKeyType(Type type)
        => type == typeof(Guid) || type == typeof(int) || type == typeof(long) || type == typeof(string);

    /// <inheritdoc />
    protected override bool SupportsKeyAutoGeneration(Type keyPropertyType) => keyPropertyType == typeof(Guid);

    /// <inheritdoc />
    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        base.ValidateKeyProperty(keyProperty);
        if (!IsSupportedKeyType(keyProperty.Type))
        {
            throw new NotSupportedException(
                $"Key property '{keyProperty.ModelName}' has type '{keyProperty.Type.Name}'; the FAISS connector supports {SupportedKeyTypes}.");
        }
    }

    /// <inheritdoc />
    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = FaissColumnMapping.SupportedDataTypes;
        return FaissColumnMapping.IsSupportedDataType(type);
    }

    /// <inheritdoc />
    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = SupportedVectorTypes + ", or " + FaissBinaryVectors.SupportedTypes + " with " + DistanceFunction.HammingDistance;
        return IsNativeVectorType(type) || FaissBinaryVectors.IsBinaryType(type);
    }

    /// <summary>Float embeddings first; a generator of <see cref="BinaryEmbedding"/> (sign bits) feeds a Hamming vector property.</summary>
    protected override IReadOnlyList<EmbeddingGenerationDispatcher> EmbeddingGenerationDispatchers { get; } =
        [EmbeddingGenerationDispatcher.Create<Embedding<float>>(), EmbeddingGenerationDispatcher.Create<BinaryEmbedding>()];

    /// <summary>Rejects distance functions and index kinds that FAISS can't serve, at collection creation.</summary>
    internal static void ValidateVectorProperty(VectorPropertyModel vectorProperty)
    {
        bool bits = FaissBinaryVectors.IsBinaryType(vectorProperty.EmbeddingType);
        if (bits != (vectorProperty.DistanceFunction == DistanceFunction.HammingDistance))
        {
            throw new NotSupportedException(bits
                ? $"Vector property '{vectorProperty.ModelName}' holds bits ({vectorProperty.EmbeddingType.Name}): set its distance function to {DistanceFunction.HammingDistance}."
                : $"Distance function {DistanceFunction.HammingDistance} of vector property '{vectorProperty.ModelName}' needs bit vectors ({FaissBinaryVectors.SupportedTypes}), not {vectorProperty.EmbeddingType.Name}.");
        }

        if (bits && vectorProperty.IndexKind is IndexKind.QuantizedFlat)
        {
            throw new NotSupportedException(
                $"Index kind '{IndexKind.QuantizedFlat}' of vector property '{vectorProperty.ModelName}' does not apply to bits; use {IndexKind.Flat}, {IndexKind.Hnsw} or {IndexKind.IvfFlat}.");
        }

        _ = FaissDistance.For(vectorProperty);

        switch (vectorProperty.IndexKind)
        {
            case null or IndexKind.Flat or IndexKind.Hnsw or IndexKind.IvfFlat or IndexKind.QuantizedFlat:
                break;
            default:
                throw new NotSupportedException(
                    $"Index kind '{vectorProperty.IndexKind}' of vector property '{vectorProperty.ModelName}' is not supported by the FAISS connector; "
                    + $"use {IndexKind.Flat}, {IndexKind.Hnsw}, {IndexKind.IvfFlat} or {IndexKind.QuantizedFlat}.");
        }
    }
}
