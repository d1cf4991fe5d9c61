using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Who embedded a collection's texts, as the generator reports it in <see cref="EmbeddingGeneratorMetadata"/>: vectors
/// of two models (or of one model cut to other widths) are not comparable, so a collection keeps the first identity.
/// </summary>
internal sealed record FaissGeneratorIdentity(string? Provider, string? Model, int? Dimensions)
{
    /// <summary>Gets the identity a generator reports; <see langword="null"/> when it reports none.</summary>
    internal static FaissGeneratorIdentity? Of(IEmbeddingGenerator generator)
        => generator.GetService(typeof(EmbeddingGeneratorMetadata)) is EmbeddingGeneratorMetadata metadata
            && (metadata.ProviderName is not null || metadata.DefaultModelId is not null || metadata.DefaultModelDimensions is not null)
            ? new(metadata.ProviderName, metadata.DefaultModelId, metadata.DefaultModelDimensions)
            : null;

    /// <summary>Reads a stored identity; a damaged one is refused like a different one.</summary>
    internal static FaissGeneratorIdentity? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            JsonNode node = JsonNode.Parse(json) ?? throw new JsonException("null");
            return new((string?)node["provider"], (string?)node["model"], (int?)node["dimensions"]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return new("(damaged: " + json + ")", null, null);
        }
    }

    internal string ToJson()
        => new JsonObject { ["provider"] = Provider, ["model"] = Model, ["dimensions"] = Dimensions }.ToJsonString();

    /// <inheritdoc />
    public override string ToString()
        => $"provider '{Provider ?? "?"}', model '{Model ?? "?"}', "
            + (Dimensions is int d ? d.ToString(CultureInfo.InvariantCulture) : "?") + " dimensions";
}
