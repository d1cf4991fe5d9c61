using System.Text.Json.Serialization;

namespace SkEmbeddingGemma.Cli;

/// <summary>Output line of <c>tokenize</c>.</summary>
internal sealed record TokenizeLine([property: JsonPropertyName("ids")] int[] Ids);

/// <summary>Output line of <c>embed</c>.</summary>
internal sealed record EmbedLine([property: JsonPropertyName("embedding")] float[] Embedding, [property: JsonPropertyName("tokens")] int Tokens);

/// <summary>Source-generated JSON for the output lines (no reflection, shortest round-trip floats).</summary>
[JsonSerializable(typeof(TokenizeLine))]
[JsonSerializable(typeof(EmbedLine))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
