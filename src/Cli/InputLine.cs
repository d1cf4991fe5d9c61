using System.Text.Json;

namespace SkEmbeddingGemma.Cli;

/// <summary>One JSON line of input: <c>{"text": "...", "prompt_name": "...", "title": "...", "prompt": "..."}</c>.</summary>
internal sealed record InputLine(string Text, string? PromptName, string? Prompt, string? Title)
{
    /// <summary>Parses a line; other fields are ignored.</summary>
    /// <exception cref="InvalidDataException">The line is not a JSON object with a string <c>text</c>; the message names the line.</exception>
    public static InputLine Parse(string line, int lineNumber)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"line {lineNumber}: expected a JSON object like {{\"text\": \"...\"}}, got {root.ValueKind}.");
            }

            string text = root.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : throw new InvalidDataException($"line {lineNumber}: missing the string field \"text\".");
            return new InputLine(text, OptionalString(root, "prompt_name", lineNumber), OptionalString(root, "prompt", lineNumber), OptionalString(root, "title", lineNumber));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"line {lineNumber}: not valid JSON ({ex.Message}).", ex);
        }
    }

    private static string? OptionalString(JsonElement root, string name, int lineNumber) =>
        !root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new InvalidDataException($"line {lineNumber}: \"{name}\" must be a string.");
}
