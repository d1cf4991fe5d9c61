using System.Text.Json.Serialization;

namespace SkEmbeddingGemma.Cli;

/// <summary>The JSON type of an extra field kept with indexed records.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StoreFieldKind>))]
internal enum StoreFieldKind
{
    /// <summary>A JSON string, stored as <see cref="string"/>.</summary>
    String,

    /// <summary>A JSON number, stored as <see cref="double"/> (integers up to 2^53 exactly).</summary>
    Number,

    /// <summary>A JSON boolean, stored as <see cref="bool"/>.</summary>
    Boolean,
}
