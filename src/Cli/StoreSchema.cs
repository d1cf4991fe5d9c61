using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// What <c>index</c> decided when it created a collection, saved in the store (<see cref="StoreCatalog"/>) so that
/// <c>search</c> and <c>delete</c> in other processes reopen it with the same definition and embedding settings.
/// Records always have <c>id</c> (key), <c>text</c> and <c>title</c>; <see cref="Fields"/> are the extra ones.
/// </summary>
internal sealed record StoreSchema(
    [property: JsonPropertyName("dimensions")] int Dimensions,
    [property: JsonPropertyName("index_kind")] string IndexKind,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("fields")] IReadOnlyList<StoreField> Fields)
{
    /// <summary>Gets the names of every stored field, for messages.</summary>
    [JsonIgnore]
    public IEnumerable<string> FieldNames => new[] { IndexRecord.IdField, IndexRecord.TextField, IndexRecord.TitleField }.Concat(Fields.Select(f => f.Name));

    /// <summary>Gets the type a field is stored as, or <see langword="null"/> for an unknown field.</summary>
    public Type? FieldType(string name) => name switch
    {
        IndexRecord.IdField or IndexRecord.TextField or IndexRecord.TitleField => typeof(string),
        _ => Fields.FirstOrDefault(f => f.Name == name)?.ClrType,
    };

    /// <summary>
    /// Builds the collection definition. With a generator the vector property is the text, embedded by the store with
    /// the document and query prompts, or a media record's vector, embedded by the same model before and kept as given
    /// (so text queries find images and audio); without one (<c>delete</c>) it is a plain vector that is never written.
    /// </summary>
    public VectorStoreCollectionDefinition ToDefinition(IEmbeddingGenerator<string, Embedding<float>>? generator)
    {
        var properties = new List<VectorStoreProperty>
        {
            new VectorStoreKeyProperty(IndexRecord.IdField, typeof(string)),
            new VectorStoreDataProperty(IndexRecord.TextField, typeof(string)),
            new VectorStoreDataProperty(IndexRecord.TitleField, typeof(string)),
            new VectorStoreVectorProperty(IndexRecord.VectorField, generator is null ? typeof(ReadOnlyMemory<float>) : typeof(string), Dimensions)
            {
                DistanceFunction = DistanceFunction.DotProductSimilarity,
                IndexKind = IndexKind,
                EmbeddingGenerator = generator,
            },
        };
        properties.AddRange(Fields.Select(f => new VectorStoreDataProperty(f.Name, f.ClrType) { IsIndexed = true }));
        return new VectorStoreCollectionDefinition { Properties = properties };
    }

    /// <summary>Checks that an input's fields fit this (existing) collection.</summary>
    /// <exception cref="InvalidDataException">A field is new or has another type; the message names it and its first line.</exception>
    public void CheckInput(string collection, IReadOnlyDictionary<string, (StoreFieldKind Kind, long Line)> inputFields)
    {
        foreach ((string name, (StoreFieldKind kind, long line)) in inputFields)
        {
            StoreField? field = Fields.FirstOrDefault(f => f.Name == name);
            if (field is null)
            {
                throw new InvalidDataException(
                    $"line {line}: field '{name}' is not in collection '{collection}' (fields: {string.Join(", ", FieldNames)}); a collection's fields are "
                    + "set by its first index run: remove the field, or index into a new --collection.");
            }

            if (field.Kind != kind)
            {
                throw new InvalidDataException(
                    $"line {line}: field '{name}' is {StoreField.Describe(kind)} but collection '{collection}' stores {StoreField.Describe(field.Kind)} there.");
            }
        }
    }
}
