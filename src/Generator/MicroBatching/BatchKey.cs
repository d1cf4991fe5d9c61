using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.MicroBatching;

/// <summary>
/// What calls must share to be merged into one: prompt, title, truncation direction and dimensions. Calls with anything else in their options
/// (per-input titles, a model id, provider-specific settings) are not merged.
/// </summary>
internal readonly record struct BatchKey(string? PromptName, string? Prompt, string? Title, string? TruncationDirection, int? Dimensions)
{
    /// <summary>Reads the key of a call, or null when its options cannot be shared.</summary>
    public static BatchKey? From(EmbeddingGenerationOptions? options)
    {
        if (options is null)
        {
            return new BatchKey(null, null, null, null, null);
        }

        if (options.ModelId is not null || options.RawRepresentationFactory is not null)
        {
            return null;
        }

        string? promptName = null, prompt = null, title = null, truncation = null;
        foreach ((string key, object? value) in options.AdditionalProperties ?? [])
        {
            string? text = value switch
            {
                null => null,
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                _ => "\0",
            };
            if (text == "\0")
            {
                return null;
            }

            switch (key)
            {
                case EmbeddingGemmaPropertyNames.PromptName: promptName = text; break;
                case EmbeddingGemmaPropertyNames.Prompt: prompt = text; break;
                case EmbeddingGemmaPropertyNames.Title: title = text; break;

                // Case-folded so Left and left merge; an invalid value still reaches the generator, which names it.
                case EmbeddingGemmaPropertyNames.TruncationDirection: truncation = text?.ToLowerInvariant(); break;
                default: return null;
            }
        }

        return new BatchKey(promptName, prompt, title, truncation, options.Dimensions);
    }
}
