using System.Text.Json.Serialization;

namespace SkEmbeddingGemma.Cli;

/// <summary>Output line of <c>tokenize</c>, with the number of its input line.</summary>
internal sealed record TokenizeLine([property: JsonPropertyName("line")] long Line, [property: JsonPropertyName("ids")] int[] Ids);

/// <summary>Output line of <c>embed</c>, with the number of its input line.</summary>
internal sealed record EmbedLine(
    [property: JsonPropertyName("line")] long Line, [property: JsonPropertyName("embedding")] float[] Embedding, [property: JsonPropertyName("tokens")] int Tokens);

/// <summary>Output line of <c>search</c>.</summary>
internal sealed record SearchLine([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("score")] double Score);

/// <summary>Source-generated JSON for the output lines and saved schemas (no reflection, shortest round-trip floats).</summary>
[JsonSerializable(typeof(TokenizeLine))]
[JsonSerializable(typeof(EmbedLine))]
[JsonSerializable(typeof(SearchLine))]
[JsonSerializable(typeof(StoreSchema))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
