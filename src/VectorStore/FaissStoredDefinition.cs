using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// What a collection was created with and must be reopened with: key and data properties (storage name and type), and
/// each vector property's storage name, dimensions, distance function and index kind. Stored as JSON in the catalog row,
/// so that every open compares against it (the vector's .NET type is not part of it: every vector type stores the same
/// floats). A collection with exactly one vector property is written as <c>"vector": {...}</c>, the form stores have
/// always had; any other number as <c>"vectors": [...]</c>, which code that knew only one vector refuses as damaged
/// rather than opening with a subset of the vectors.
/// </summary>
internal sealed class FaissStoredDefinition
{
    private FaissStoredDefinition((string Name, string Type) key, IReadOnlyList<(string Name, string Type)> data, IReadOnlyList<Vector> vectors)
    {
        Key = key;
        Data = data;
        Vectors = vectors;
    }

    internal (string Name, string Type) Key { get; }

    internal IReadOnlyList<(string Name, string Type)> Data { get; }

    /// <summary>Gets the vector properties, in declaration order (empty for a collection without vectors).</summary>
    internal IReadOnlyList<Vector> Vectors { get; }

    /// <summary>Gets the first vector's dimensions (0 without vectors): the catalog's legacy columns.</summary>
    internal int Dimensions => Vectors.Count > 0 ? Vectors[0].Dimensions : 0;

    /// <summary>Gets the first vector's distance function (empty without vectors).</summary>
    internal string Distance => Vectors.Count > 0 ? Vectors[0].Distance : "";

    /// <summary>Gets the first vector's index kind (empty without vectors).</summary>
    internal string IndexKind => Vectors.Count > 0 ? Vectors[0].IndexKind : "";

    internal static FaissStoredDefinition FromModel(CollectionModel model, IReadOnlyList<FaissVectorSlot> slots)
        => new(
            (model.KeyProperty.StorageName, TypeName(model.KeyProperty.Type)),
            [.. model.DataProperties.Select(p => (p.StorageName, TypeName(p.Type)))],
            [.. slots.Select(s => new Vector(s.Property.StorageName, s.Dimensions, s.Distance.Name, s.IndexKind))]);

    /// <summary>Reads a stored definition.</summary>
    /// <exception cref="JsonException">The JSON is damaged.</exception>
    internal static FaissStoredDefinition Parse(string json)
    {
        try
        {
            JsonNode root = JsonNode.Parse(json) ?? throw new JsonException("null definition");
            JsonNode key = root["key"] ?? throw new JsonException("no key");
            // Not a collection expression: next to a JsonArray it would become one, re-parenting the node.
            IEnumerable<JsonNode?> vectors = root["vector"] is JsonNode single ? new List<JsonNode?> { single }
                : root["vectors"]?.AsArray() ?? throw new JsonException("no vector");
            return new(
                (Text(key["name"]), Text(key["type"])),
                [.. (root["data"]?.AsArray() ?? throw new JsonException("no data")).Select(p => (Text(p?["name"]), Text(p?["type"])))],
                [.. vectors.Select(v => new Vector(
                    Text(v?["name"]), (int?)v?["dimensions"] ?? throw new JsonException("no dimensions"), Text(v?["distance"]), Text(v?["index_kind"])))]);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new JsonException(e.Message, e);
        }

        static string Text(JsonNode? node) => (string?)node ?? throw new JsonException("missing value");
    }

    internal string ToJson()
    {
        var root = new JsonObject
        {
            ["key"] = new JsonObject { ["name"] = Key.Name, ["type"] = Key.Type },
            ["data"] = new JsonArray([.. Data.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["type"] = p.Type })]),
        };
        if (Vectors.Count == 1)
        {
            root["vector"] = Vectors[0].ToJson();
        }
        else
        {
            root["vectors"] = new JsonArray([.. Vectors.Select(v => (JsonNode)v.ToJson())]);
        }

        return root.ToJsonString();
    }

    /// <summary>Lists how <paramref name="requested"/> differs from <paramref name="stored"/>, one phrase each; empty when they match.</summary>
    internal static List<string> Differences(FaissStoredDefinition stored, FaissStoredDefinition requested)
    {
        var differences = new List<string>();
        if (stored.Vectors.Count != requested.Vectors.Count)
        {
            differences.Add($"the collection has {DescribeVectors(stored.Vectors)}, this definition {DescribeVectors(requested.Vectors)}");
        }
        else
        {
            for (int i = 0; i < stored.Vectors.Count; i++)
            {
                // A single vector keeps the phrases stores always reported; several name the vector property.
                string of = stored.Vectors.Count == 1 ? "" : $" of vector property '{stored.Vectors[i].Name}'";
                Vector s = stored.Vectors[i], r = requested.Vectors[i];
                Compare("distance function" + of, s.Distance, r.Distance);
                Compare("dimensions" + of, s.Dimensions.ToString(CultureInfo.InvariantCulture), r.Dimensions.ToString(CultureInfo.InvariantCulture));
                Compare("index kind" + of, s.IndexKind, r.IndexKind);
                Compare(stored.Vectors.Count == 1 ? "vector property" : $"vector property {i + 1}", s.Name, r.Name);
            }
        }

        Compare("key", Describe(stored.Key), Describe(requested.Key));
        var storedData = stored.Data.ToDictionary(p => p.Name, p => p.Type, StringComparer.Ordinal);
        var requestedData = requested.Data.ToDictionary(p => p.Name, p => p.Type, StringComparer.Ordinal);
        foreach ((string name, string type) in stored.Data.Where(p => !requestedData.ContainsKey(p.Name)))
        {
            differences.Add($"the collection has data property '{name}' ({type}), this definition doesn't");
        }

        foreach ((string name, string type) in requested.Data)
        {
            if (!storedData.TryGetValue(name, out string? storedType))
            {
                differences.Add($"this definition has data property '{name}' ({type}), the collection doesn't");
            }
            else if (storedType != type)
            {
                differences.Add($"data property '{name}' is {storedType} in the collection, {type} in this definition");
            }
        }

        return differences;

        void Compare(string what, string inStore, string inRequest)
        {
            if (inStore != inRequest)
            {
                differences.Add($"{what} is {inStore} in the collection, {inRequest} in this definition");
            }
        }

        static string Describe((string Name, string Type) key) => $"'{key.Name}' ({key.Type})";

        static string DescribeVectors(IReadOnlyList<Vector> vectors)
            => vectors.Count == 0 ? "no vector property" : $"vector properties {string.Join(", ", vectors.Select(v => $"'{v.Name}'"))}";
    }

    /// <summary>Names a property type by how it is stored: sequences of one element type are one type (all stored as JSON text).</summary>
    internal static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is Type underlying)
        {
            return TypeName(underlying) + "?";
        }

        return FaissColumnMapping.GetElementType(type) is Type element ? TypeName(element) + "[]" : type.Name;
    }

    /// <summary>One vector property as stored.</summary>
    internal sealed record Vector(string Name, int Dimensions, string Distance, string IndexKind)
    {
        internal JsonObject ToJson() => new() { ["name"] = Name, ["dimensions"] = Dimensions, ["distance"] = Distance, ["index_kind"] = IndexKind };
    }
}
