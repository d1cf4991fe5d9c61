using System.Text.Json;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Strings of an input line, refused with the line and field named when they are not Unicode text: a JSON escape of a
/// lone surrogate (<c>"\ud800"</c>) has no UTF-8 form, so it could be neither tokenized faithfully nor stored.
/// </summary>
internal static class JsonLineText
{
    /// <summary>Gets the string value of field <paramref name="field"/>.</summary>
    /// <exception cref="InvalidDataException">The value holds a lone surrogate escape; the message names the line and field.</exception>
    public static string GetString(JsonElement value, string field, long line)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw LoneSurrogate($"field \"{field}\"", line, ex);
        }
    }

    /// <summary>Gets the name of a field.</summary>
    /// <exception cref="InvalidDataException">The name holds a lone surrogate escape; the message names the line.</exception>
    public static string GetName(JsonProperty property, long line)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException ex)
        {
            throw LoneSurrogate("a field name", line, ex);
        }
    }

    private static InvalidDataException LoneSurrogate(string what, long line, Exception inner) =>
        new($"line {line}: {what} holds a lone surrogate escape (\\ud800-\\udfff without its pair), which is not Unicode text; fix or remove it.", inner);
}
