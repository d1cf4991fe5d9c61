using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>What the library uses from a <c>tokenizer_config.json</c>.</summary>
/// <param name="Framing">The framing from <c>add_bos_token</c>/<c>add_eos_token</c>, or <see langword="null"/> when neither is set.</param>
/// <param name="AddedTokens">The <c>added_tokens_decoder</c> entries, which a <c>tokenizer.model</c> cannot carry.</param>
/// <param name="MediaTokens">
/// The media tokens the file names, by key (<see cref="MediaTokenKeys"/>), from the top level or from
/// <c>extra_special_tokens</c>, in key order: the placeholders and delimiters a multimodal processor puts where media go.
/// </param>
internal sealed record TokenizerConfig(TokenFraming? Framing, IReadOnlyList<AddedTokenSpec> AddedTokens, IReadOnlyList<KeyValuePair<string, string>> MediaTokens)
{
    /// <summary>
    /// The keys under which Gemma processors name their media tokens (Gemma 3: <c>image_token</c>, <c>boi_token</c>,
    /// <c>eoi_token</c>; Gemma 4 and EmbeddingGemma 2 add audio and video), the keys transformers.js's Gemma 4 and
    /// EmbeddingGemma 2 processors read.
    /// </summary>
    public static readonly IReadOnlyList<string> MediaTokenKeys =
        ["image_token", "boi_token", "eoi_token", "video_token", "audio_token", "boa_token", "eoa_token"];

    public static TokenizerConfig Load(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path} is not a JSON object.");
            }

            bool? bos = GetBool(root, "add_bos_token", path);
            bool? eos = GetBool(root, "add_eos_token", path);
            // Transformers' GemmaTokenizer defaults: add_bos_token true, add_eos_token false.
            TokenFraming? framing = bos is null && eos is null ? null : new TokenFraming(bos ?? true, eos ?? false);
            var added = new List<AddedTokenSpec>();
            if (root.TryGetProperty("added_tokens_decoder", out JsonElement decoder) && decoder.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty entry in decoder.EnumerateObject())
                {
                    if (!int.TryParse(entry.Name, out int id) || !entry.Value.TryGetProperty("content", out JsonElement content)
                        || content.ValueKind != JsonValueKind.String)
                    {
                        throw new InvalidDataException($"{path}: added_tokens_decoder entry '{entry.Name}' is not an id with a string content.");
                    }

                    bool special = entry.Value.TryGetProperty("special", out JsonElement s) && s.ValueKind == JsonValueKind.True;
                    added.Add(new AddedTokenSpec(content.GetString()!, id, special));
                }
            }

            return new TokenizerConfig(framing, added, ReadMediaTokens(root, path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static List<KeyValuePair<string, string>> ReadMediaTokens(JsonElement root, string path)
    {
        var tokens = new List<KeyValuePair<string, string>>();
        JsonElement? extra = root.TryGetProperty("extra_special_tokens", out JsonElement e) && e.ValueKind == JsonValueKind.Object ? e : null;
        foreach (string key in MediaTokenKeys)
        {
            // transformers writes a token as its text, or as a serialized AddedToken {"content": ...}.
            string? content = TokenText(root, key, path) ?? (extra is { } x ? TokenText(x, key, path) : null);
            if (!string.IsNullOrEmpty(content))
            {
                tokens.Add(new(key, content));
            }
        }

        return tokens;
    }

    private static string? TokenText(JsonElement parent, string key, string path)
    {
        if (!parent.TryGetProperty(key, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw new InvalidDataException($"{path}: \"{key}\" must be a token text or an object with a string \"content\", not {value.ValueKind}."),
        };
    }

    private static bool? GetBool(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new InvalidDataException($"{path}: \"{name}\" must be true or false.");
    }
}
