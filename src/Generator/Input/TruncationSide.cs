using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Input;

/// <summary>Reads <see cref="EmbeddingGemmaPropertyNames.TruncationDirection"/> from a call's options.</summary>
internal static class TruncationSide
{
    public const string Right = "right";
    public const string Left = "left";

    /// <summary>Gets the direction a call names (<see cref="Right"/> or <see cref="Left"/>, lower-case), or null when it names none.</summary>
    /// <exception cref="ArgumentException">The value is not a string, or not right or left.</exception>
    public static string? Read(EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(EmbeddingGemmaPropertyNames.TruncationDirection, out object? value) || value is null)
        {
            return null;
        }

        string? text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            _ => throw new ArgumentException($"AdditionalProperties['{EmbeddingGemmaPropertyNames.TruncationDirection}'] must be a string, not {value.GetType().Name}.", nameof(options)),
        };
        return text switch
        {
            null => null,
            _ when text.Equals(Right, StringComparison.OrdinalIgnoreCase) => Right,
            _ when text.Equals(Left, StringComparison.OrdinalIgnoreCase) => Left,
            _ => throw new ArgumentException(
                $"AdditionalProperties['{EmbeddingGemmaPropertyNames.TruncationDirection}'] is '{text}'; it must be '{Right}' (cut the end) or '{Left}' (cut the start).", nameof(options)),
        };
    }

    /// <summary>Whether truncation keeps the end of a text (left truncation).</summary>
    /// <exception cref="ArgumentException">The value is invalid.</exception>
    public static bool KeepsEnd(EmbeddingGenerationOptions? options) => Read(options) == Left;
}
