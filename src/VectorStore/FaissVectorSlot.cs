using System.Globalization;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// One vector property of a collection and where it lives: its column in the collection's vector table, its FAISS
/// index snapshot and its catalog entries. The first vector property (ordinal 0) keeps the names a single-vector
/// collection always had (column <c>_vector</c>, <c>{collection}.index</c>, the catalog's <c>snapshot</c> and
/// <c>generator</c> columns), so stores written before several vectors were supported open unchanged.
/// </summary>
internal sealed class FaissVectorSlot
{
    /// <summary>The vector column of the first vector property.</summary>
    internal const string FirstColumn = "_vector";

    internal FaissVectorSlot(int ordinal, VectorPropertyModel property, string collectionIndexPath)
    {
        Ordinal = ordinal;
        Property = property;
        Distance = FaissDistance.For(property);
        IndexKind = property.IndexKind ?? Microsoft.Extensions.VectorData.IndexKind.Flat;
        string suffix = ordinal.ToString(CultureInfo.InvariantCulture);
        Column = ordinal == 0 ? FirstColumn : FirstColumn + suffix;
        IndexPath = ordinal == 0 ? collectionIndexPath : Path.ChangeExtension(collectionIndexPath, suffix + ".index");
        Key = suffix;
    }

    /// <summary>Gets the position among the record's vector properties.</summary>
    internal int Ordinal { get; }

    /// <summary>Gets the vector property.</summary>
    internal VectorPropertyModel Property { get; }

    /// <summary>Gets the distance function's mapping onto FAISS.</summary>
    internal FaissDistance Distance { get; }

    /// <summary>Gets the index kind (<see cref="Microsoft.Extensions.VectorData.IndexKind"/>).</summary>
    internal string IndexKind { get; }

    /// <summary>Gets the dimensions.</summary>
    internal int Dimensions => Property.Dimensions;

    /// <summary>Gets the (unquoted) column of the vector table holding this property's vectors.</summary>
    internal string Column { get; }

    /// <summary>Gets the FAISS index snapshot file.</summary>
    internal string IndexPath { get; }

    /// <summary>Gets the key of this slot's entries in the catalog's per-vector JSON columns (ordinals above 0).</summary>
    internal string Key { get; }

    /// <summary>Builds the slots of a model's vector properties, in declaration order.</summary>
    /// <exception cref="NotSupportedException">A vector property's distance function or index kind is not supported.</exception>
    internal static IReadOnlyList<FaissVectorSlot> For(CollectionModel model, string collectionIndexPath)
        => [.. model.VectorProperties.Select((p, i) => new FaissVectorSlot(i, p, collectionIndexPath))];
}
