using System.Text.Json;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// One JSON line of input: <c>{"text": "...", "prompt_name": "...", "title": "...", "prompt": "..."}</c>, with its 1-based
/// line number in the input; EmbeddingGemma 2 lines may add media (<see cref="InputMedia"/>), and then need no text.
/// </summary>
internal sealed record InputLine(long Line, string Text, string? PromptName, string? Prompt, string? Title)
{
    /// <summary>Gets the line's media, or null for a text line.</summary>
    public InputMedia? Media { get; init; }

    /// <summary>Gets whether a media line has text (with placeholders); text lines always do.</summary>
    public bool HasText { get; init; } = true;

    /// <summary>Parses a line; other fields are ignored.</summary>
    /// <exception cref="InvalidDataException">
    /// The line is not a JSON object with a string <c>text</c>, or a string is not Unicode text; the message names the line.
    /// </exception>
    public static InputLine Parse(string line, long lineNumber)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"line {lineNumber}: expected a JSON object like {{\"text\": \"...\"}}, got {root.ValueKind}.");
            }

            InputMedia? media = InputMedia.Parse(root, lineNumber);
            bool hasText = root.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String;
            string text = hasText ? JsonLineText.GetString(t, "text", lineNumber)
                : media is not null ? string.Empty
                : throw new InvalidDataException($"line {lineNumber}: missing the string field \"text\" (or media: \"image\", \"images\", \"video\", \"audio\").");
            return new InputLine(
                lineNumber, text, OptionalString(root, "prompt_name", lineNumber), OptionalString(root, "prompt", lineNumber), OptionalString(root, "title", lineNumber))
            {
                Media = media,
                HasText = hasText,
            };
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"line {lineNumber}: not valid JSON ({ex.Message}).", ex);
        }
    }

    private static string? OptionalString(JsonElement root, string name, long lineNumber) =>
        !root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? JsonLineText.GetString(value, name, lineNumber)
        : throw new InvalidDataException($"line {lineNumber}: \"{name}\" must be a string.");
}
