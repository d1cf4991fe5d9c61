using System.Text.Json;

namespace SkEmbeddingGemma.Model;

/// <summary>
/// What a model folder's JSON files say about the text side: the sequence limit (as sentence-transformers computes
/// it), lower-casing, the size of the embedding table, and the model type. A multimodal model (EmbeddingGemma 2,
/// <c>embedding_gemma2</c>) nests its text model's settings under <c>config.json</c>'s <c>text_config</c>; a text
/// model (EmbeddingGemma 300m, <c>gemma3_text</c>) keeps them at the top level.
/// </summary>
internal sealed record ModelConfiguration(int MaxSequenceLength, bool DoLowerCase, int? VocabularySize, string? ModelType)
{
    /// <summary>Gets the text model's hidden size (<c>hidden_size</c>), the width of the media feature rows it accepts; null when unstated.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>
    /// Gets whether <c>config.json</c> nests a <c>text_config</c>: the text model is part of a multimodal model, so the
    /// media tokens its tokenizer config names (<c>image_token</c>, <c>boi_token</c>, ...) mark media, not text.
    /// </summary>
    public bool IsMultimodal { get; init; }

    /// <summary>EmbeddingGemma's context when a folder states none.</summary>
    public const int DefaultMaxSequenceLength = 2048;

    /// <summary>
    /// Reads <c>sentence_bert_config.json</c> (<c>max_seq_length</c>, <c>do_lower_case</c>), else the smaller of
    /// <c>config.json</c>'s <c>max_position_embeddings</c> and <c>tokenizer_config.json</c>'s <c>model_max_length</c>,
    /// as sentence-transformers does; every file is optional.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is not valid JSON or holds a value of the wrong type.</exception>
    public static ModelConfiguration Load(string modelDirectory)
    {
        using JsonDocument? config = ReadJson(modelDirectory, "config.json");
        using JsonDocument? sentenceBert = ReadJson(modelDirectory, "sentence_bert_config.json");
        using JsonDocument? tokenizerConfig = ReadJson(modelDirectory, "tokenizer_config.json");

        bool multimodal = config is not null && config.RootElement.ValueKind == JsonValueKind.Object
            && config.RootElement.TryGetProperty("text_config", out JsonElement nested) && nested.ValueKind == JsonValueKind.Object;
        JsonElement? textConfig = config is null ? null : multimodal ? config.RootElement.GetProperty("text_config") : config.RootElement;

        int? maxSequenceLength = GetInt(sentenceBert?.RootElement, "max_seq_length", modelDirectory, "sentence_bert_config.json");
        if (maxSequenceLength is null)
        {
            long? positions = GetInt(textConfig, "max_position_embeddings", modelDirectory, "config.json");
            double? tokenizerMax = GetDouble(tokenizerConfig?.RootElement, "model_max_length", modelDirectory, "tokenizer_config.json");
            double limit = Math.Min(positions ?? double.MaxValue, tokenizerMax ?? double.MaxValue);
            maxSequenceLength = limit >= int.MaxValue ? DefaultMaxSequenceLength : (int)limit;
        }

        if (maxSequenceLength < 2)
        {
            throw new InvalidDataException($"'{Path.Combine(modelDirectory, "sentence_bert_config.json")}': max_seq_length {maxSequenceLength} leaves no room for <bos> and <eos>.");
        }

        bool doLowerCase = sentenceBert is not null &&
            sentenceBert.RootElement.TryGetProperty("do_lower_case", out JsonElement lower) && lower.ValueKind == JsonValueKind.True;

        // The model's own type names the family (embedding_gemma2), not its text part's (embedding_gemma2_text).
        string? modelType = GetString(config?.RootElement, "model_type") ?? GetString(textConfig, "model_type");

        return new ModelConfiguration(
            maxSequenceLength.Value,
            doLowerCase,
            GetInt(textConfig, "vocab_size", modelDirectory, "config.json"),
            modelType)
        {
            HiddenSize = GetInt(textConfig, "hidden_size", modelDirectory, "config.json"),
            IsMultimodal = multimodal,
        };
    }

    private static string? GetString(JsonElement? element, string property) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonDocument? ReadJson(string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static int? GetInt(JsonElement? element, string property, string directory, string fileName)
    {
        double? value = GetDouble(element, property, directory, fileName);
        return value is null ? null
            : value is >= 0 and <= int.MaxValue && value == Math.Floor(value.Value) ? (int)value.Value
            : throw new InvalidDataException($"'{Path.Combine(directory, fileName)}': {property} must be a non-negative integer, not {value}.");
    }

    private static double? GetDouble(JsonElement? element, string property, string directory, string fileName)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e || !e.TryGetProperty(property, out JsonElement value) ||
            value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidDataException($"'{Path.Combine(directory, fileName)}': {property} must be a number, not {value.ValueKind}.");
    }
}
