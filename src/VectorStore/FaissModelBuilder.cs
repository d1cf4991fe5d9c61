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
        supportedTypes = SupportedVectorTypes;
        return IsNativeVectorType(type);
    }

    /// <summary>Rejects distance functions and index kinds that FAISS can't serve, at collection creation.</summary>
    internal static void ValidateVectorProperty(VectorPropertyModel vectorProperty)
    {
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
