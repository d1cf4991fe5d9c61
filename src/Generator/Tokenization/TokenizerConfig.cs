using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>What <see cref="GemmaTokenizer"/> uses from a <c>tokenizer_config.json</c>.</summary>
/// <param name="Framing">The framing from <c>add_bos_token</c>/<c>add_eos_token</c>, or <see langword="null"/> when neither is set.</param>
/// <param name="AddedTokens">The <c>added_tokens_decoder</c> entries, which a <c>tokenizer.model</c> cannot carry.</param>
internal sealed record TokenizerConfig(TokenFraming? Framing, IReadOnlyList<AddedTokenSpec> AddedTokens)
{
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

            return new TokenizerConfig(framing, added);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }
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
