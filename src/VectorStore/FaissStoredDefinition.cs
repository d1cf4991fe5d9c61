using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// What a collection was created with and must be reopened with: key and data properties (storage name and type), the
/// vector's storage name, dimensions, distance function and index kind. Stored as JSON in the catalog row, so that
/// every open compares against it (the vector's .NET type is not part of it: every vector type stores the same floats).
/// </summary>
internal sealed class FaissStoredDefinition
{
    private FaissStoredDefinition(
        (string Name, string Type) key, IReadOnlyList<(string Name, string Type)> data, string vectorName, int dimensions, string distance, string indexKind)
    {
        Key = key;
        Data = data;
        VectorName = vectorName;
        Dimensions = dimensions;
        Distance = distance;
        IndexKind = indexKind;
    }

    internal (string Name, string Type) Key { get; }

    internal IReadOnlyList<(string Name, string Type)> Data { get; }

    internal string VectorName { get; }

    internal int Dimensions { get; }

    internal string Distance { get; }

    internal string IndexKind { get; }

    internal static FaissStoredDefinition FromModel(CollectionModel model, string distance, string indexKind)
        => new(
            (model.KeyProperty.StorageName, TypeName(model.KeyProperty.Type)),
            [.. model.DataProperties.Select(p => (p.StorageName, TypeName(p.Type)))],
            model.VectorProperty.StorageName, model.VectorProperty.Dimensions, distance, indexKind);

    /// <summary>Reads a stored definition.</summary>
    /// <exception cref="JsonException">The JSON is damaged.</exception>
    internal static FaissStoredDefinition Parse(string json)
    {
        try
        {
            JsonNode root = JsonNode.Parse(json) ?? throw new JsonException("null definition");
            JsonNode key = root["key"] ?? throw new JsonException("no key");
            JsonNode vector = root["vector"] ?? throw new JsonException("no vector");
            return new(
                (Text(key["name"]), Text(key["type"])),
                [.. (root["data"]?.AsArray() ?? throw new JsonException("no data")).Select(p => (Text(p?["name"]), Text(p?["type"])))],
                Text(vector["name"]), (int?)vector["dimensions"] ?? throw new JsonException("no dimensions"), Text(vector["distance"]), Text(vector["index_kind"]));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new JsonException(e.Message, e);
        }

        static string Text(JsonNode? node) => (string?)node ?? throw new JsonException("missing value");
    }

    internal string ToJson() => new JsonObject
    {
        ["key"] = new JsonObject { ["name"] = Key.Name, ["type"] = Key.Type },
        ["data"] = new JsonArray([.. Data.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["type"] = p.Type })]),
        ["vector"] = new JsonObject { ["name"] = VectorName, ["dimensions"] = Dimensions, ["distance"] = Distance, ["index_kind"] = IndexKind },
    }.ToJsonString();

    /// <summary>Lists how <paramref name="requested"/> differs from <paramref name="stored"/>, one phrase each; empty when they match.</summary>
    internal static List<string> Differences(FaissStoredDefinition stored, FaissStoredDefinition requested)
    {
        var differences = new List<string>();
        Compare("distance function", stored.Distance, requested.Distance);
        Compare("dimensions", stored.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture), requested.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Compare("index kind", stored.IndexKind, requested.IndexKind);
        Compare("vector property", stored.VectorName, requested.VectorName);
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
}
