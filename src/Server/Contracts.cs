using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>OpenAI's <c>POST /v1/embeddings</c> body, plus the <c>prompt_name</c> extension.</summary>
internal sealed record OpenAiEmbeddingRequest(
    [property: JsonPropertyName("input")] JsonElement Input,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("dimensions")] int? Dimensions,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat,
    [property: JsonPropertyName("user")] JsonElement User,
    [property: JsonPropertyName("prompt_name")] string? PromptName);

internal sealed record OpenAiEmbeddingData(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding);

internal sealed record OpenAiUsage(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);

internal sealed record OpenAiEmbeddingResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<OpenAiEmbeddingData> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] OpenAiUsage Usage);

/// <summary>Text Embeddings Inference's <c>POST /embed</c> body.</summary>
internal sealed record TeiEmbedRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("normalize")] bool? Normalize,
    [property: JsonPropertyName("truncate")] bool? Truncate,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection,
    [property: JsonPropertyName("prompt_name")] string? PromptName,
    [property: JsonPropertyName("dimensions")] int? Dimensions);

/// <summary>Text Embeddings Inference's <c>POST /embed_all</c> body: no <c>normalize</c> or <c>dimensions</c>, as in TEI.</summary>
internal sealed record TeiEmbedAllRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("truncate")] bool? Truncate,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection,
    [property: JsonPropertyName("prompt_name")] string? PromptName);

/// <summary>Text Embeddings Inference's <c>POST /tokenize</c> body.</summary>
internal sealed record TeiTokenizeRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("add_special_tokens")] bool? AddSpecialTokens,
    [property: JsonPropertyName("prompt_name")] string? PromptName);

internal sealed record TeiToken(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("special")] bool Special,
    [property: JsonPropertyName("start")] int? Start,
    [property: JsonPropertyName("stop")] int? Stop);

/// <summary>Text Embeddings Inference's <c>POST /decode</c> body.</summary>
internal sealed record TeiDecodeRequest(
    [property: JsonPropertyName("ids")] JsonElement Ids,
    [property: JsonPropertyName("skip_special_tokens")] bool? SkipSpecialTokens);
