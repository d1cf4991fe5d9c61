using System.Text.Json.Serialization;

namespace SkEmbeddingGemma.Cli;

/// <summary>An extra field of a collection written by <c>index</c>.</summary>
internal sealed record StoreField([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("kind")] StoreFieldKind Kind)
{
    /// <summary>Gets the .NET type the field is stored as (nullable: records may lack it).</summary>
    [JsonIgnore]
    public Type ClrType => Kind switch
    {
        StoreFieldKind.Number => typeof(double?),
        StoreFieldKind.Boolean => typeof(bool?),
        _ => typeof(string),
    };

    /// <summary>Gets the kind of a parsed value (string, double or bool).</summary>
    public static StoreFieldKind KindOf(object value) => value switch
    {
        double => StoreFieldKind.Number,
        bool => StoreFieldKind.Boolean,
        _ => StoreFieldKind.String,
    };

    /// <summary>Gets the kind's name in messages.</summary>
    public static string Describe(StoreFieldKind kind) => kind switch
    {
        StoreFieldKind.Number => "a number",
        StoreFieldKind.Boolean => "a boolean",
        _ => "a string",
    };
}
