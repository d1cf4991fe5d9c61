using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// One input line of <c>index</c>: <c>{"id": "...", "text": "...", "title": "...", ...}</c>. Every other field is kept
/// as data: strings, numbers (as double) and booleans; <c>null</c> means "no value"; objects and arrays are refused.
/// An EmbeddingGemma 2 line may carry media instead of (or with) its text, as <c>embed</c> reads them
/// (<see cref="InputMedia"/>: <c>"image"</c>, <c>"images"</c>, <c>"video"</c>, <c>"videos"</c>, <c>"audio"</c>).
/// </summary>
internal sealed record IndexRecord(string Id, string Text, string? Title, IReadOnlyList<KeyValuePair<string, object>> Fields)
{
    // The media fields InputMedia reads: not data columns.
    private static readonly string[] s_mediaFields = ["image", "images", "video", "videos", "audio"];

    /// <summary>Gets the line's media, or null for a text record.</summary>
    public InputMedia? Media { get; init; }

    /// <summary>Gets whether the line has a <c>text</c> (a media line may have none; <see cref="Text"/> is then empty).</summary>
    public bool HasText { get; init; } = true;

    /// <summary>The key field.</summary>
    public const string IdField = "id";

    /// <summary>The embedded text field.</summary>
    public const string TextField = "text";

    /// <summary>The title field (the document prompt's title, <c>none</c> when absent).</summary>
    public const string TitleField = "title";

    /// <summary>The vector property: the text again, embedded by the store.</summary>
    public const string VectorField = "_embedding";

    private static readonly string[] s_builtIn = [IdField, TextField, TitleField];

    // Column names the FAISS connector keeps for itself, and our vector property.
    private static readonly string[] s_reserved = ["_fid", "_vector", VectorField];

    /// <summary>Parses a line.</summary>
    /// <exception cref="InvalidDataException">The line is not a valid record; the message names the line and field.</exception>
    public static IndexRecord Parse(string line, long lineNumber)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(lineNumber, $"expected a JSON object like {{\"id\": \"...\", \"text\": \"...\"}}, got {root.ValueKind}.");
            }

            string? id = null, text = null, title = null;
            var fields = new List<KeyValuePair<string, object>>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = JsonLineText.GetName(property, lineNumber);
                CheckName(name, seen, lineNumber);
                switch (name)
                {
                    case IdField:
                        id = property.Value.ValueKind == JsonValueKind.String && JsonLineText.GetString(property.Value, IdField, lineNumber) is { Length: > 0 } s ? s
                            : throw Error(lineNumber, "\"id\" must be a non-empty string.");
                        break;
                    case TextField:
                        text = property.Value.ValueKind == JsonValueKind.String ? JsonLineText.GetString(property.Value, TextField, lineNumber)
                            : throw Error(lineNumber, "\"text\" must be a string.");
                        break;
                    case TitleField:
                        title = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => JsonLineText.GetString(property.Value, TitleField, lineNumber),
                            JsonValueKind.Null => null,
                            _ => throw Error(lineNumber, "\"title\" must be a string or null."),
                        };
                        break;
                    case var mediaField when s_mediaFields.Contains(mediaField, StringComparer.Ordinal):
                        break;
                    case var other when s_builtIn.FirstOrDefault(b => string.Equals(b, other, StringComparison.OrdinalIgnoreCase)) is { } builtIn:
                        throw Error(lineNumber, $"field '{other}' differs from '{builtIn}' only in case; use '{builtIn}'.");
                    default:
                        if (Value(property, name, lineNumber) is { } value)
                        {
                            fields.Add(new(name, value));
                        }

                        break;
                }
            }

            // After the loop, which has checked every field name (a lone surrogate escape is refused naming the line).
            InputMedia? media = InputMedia.Parse(root, lineNumber);
            return new IndexRecord(
                id ?? throw Error(lineNumber, "missing the string field \"id\"."),
                text ?? (media is not null ? string.Empty : throw Error(lineNumber, "missing the string field \"text\" (or media: \"image\", \"images\", \"video\", \"audio\").")),
                title,
                fields)
            {
                Media = media,
                HasText = text is not null,
            };
        }
        catch (JsonException ex)
        {
            throw Error(lineNumber, $"not valid JSON ({ex.Message}).", ex);
        }
    }

    /// <summary>Builds the record the store upserts, with every field of <paramref name="schema"/> (absent ones null).</summary>
    /// <param name="schema">The collection's schema.</param>
    /// <param name="mediaVector">
    /// A media line's vector, already embedded by the collection's model (<see cref="IndexInput.CheckEmbeddableAsync"/>),
    /// which the store keeps as given; null for a text line, which the store embeds.
    /// </param>
    public Dictionary<string, object?> ToStoreRecord(StoreSchema schema, Embedding<float>? mediaVector = null)
    {
        var record = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [IdField] = Id,
            [TextField] = Text,
            [TitleField] = Title,
            [VectorField] = mediaVector is null ? Text : mediaVector.Vector,
        };
        foreach (StoreField field in schema.Fields)
        {
            record[field.Name] = null;
        }

        foreach ((string name, object value) in Fields)
        {
            record[name] = value;
        }

        return record;
    }

    private static void CheckName(string name, HashSet<string> seen, long lineNumber)
    {
        if (name.Length == 0 || s_reserved.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw Error(lineNumber, $"field name '{name}' is reserved; rename the field.");
        }

        // SQLite column names ignore case, so "Year" and "year" would be one column.
        if (!seen.Add(name))
        {
            throw Error(lineNumber, $"field '{name}' appears twice (names are compared ignoring case).");
        }
    }

    private static object? Value(JsonProperty property, string name, long lineNumber) => property.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => JsonLineText.GetString(property.Value, name, lineNumber),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => Number(property, lineNumber),
        _ => throw Error(lineNumber,
            $"field '{property.Name}' is {(property.Value.ValueKind == JsonValueKind.Array ? "an array" : "an object")}; only strings, numbers, booleans and null are kept (flatten or remove it)."),
    };

    private static double Number(JsonProperty property, long lineNumber)
    {
        string raw = property.Value.GetRawText();
        if (!property.Value.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw Error(lineNumber, $"field '{property.Name}' = {raw} is out of range.");
        }

        // Numbers are stored as double: refuse integers that would silently change (beyond 2^53).
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer) && (decimal)value != integer)
        {
            throw Error(lineNumber, $"field '{property.Name}' = {raw} can't be stored exactly as a number (beyond 2^53); give it as a string.");
        }

        return value;
    }

    private static InvalidDataException Error(long lineNumber, string message, Exception? inner = null)
        => new($"line {lineNumber}: {message}", inner);
}
