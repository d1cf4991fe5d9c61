using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Prompts;

/// <summary>
/// The prompt of each input of one call, from <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>:
/// a raw <c>prompt</c>, or a <c>prompt_name</c> (with per-input <c>title</c>s for documents), or the default.
/// </summary>
internal sealed class PromptSelection
{
    private readonly string _prompt;
    private readonly string?[]? _titles;

    private PromptSelection(string prompt, string?[]? titles)
    {
        _prompt = prompt;
        _titles = titles;
    }

    /// <summary>Reads the prompt keys of a call.</summary>
    /// <exception cref="ArgumentException">
    /// Both a prompt and a prompt name are set, a name is unknown, a value has the wrong type, or the titles do not match
    /// the inputs.
    /// </exception>
    public static PromptSelection From(EmbeddingGenerationOptions? options, PromptCatalog catalog, string? defaultPromptName, int inputCount)
    {
        AdditionalPropertiesDictionary? properties = options?.AdditionalProperties;
        string? rawPrompt = GetString(properties, EmbeddingGemmaPropertyNames.Prompt);
        string? promptName = GetString(properties, EmbeddingGemmaPropertyNames.PromptName);
        string?[]? titles = GetTitles(properties, inputCount);

        if (rawPrompt is not null)
        {
            if (promptName is not null || titles is not null)
            {
                throw new ArgumentException(
                    $"Set either '{EmbeddingGemmaPropertyNames.Prompt}' or '{EmbeddingGemmaPropertyNames.PromptName}' (with '{EmbeddingGemmaPropertyNames.Title}'), not both.",
                    nameof(options));
            }

            return new PromptSelection(rawPrompt, null);
        }

        // A title alone means a document.
        promptName ??= titles is not null ? EmbeddingGemmaPromptNames.Document : defaultPromptName;
        if (promptName is null)
        {
            return new PromptSelection(string.Empty, null);
        }

        string prompt = catalog.GetPrompt(promptName, nameof(options));
        if (titles is not null && !PromptCatalog.IsDocumentRole(promptName))
        {
            throw new ArgumentException(
                $"A '{EmbeddingGemmaPropertyNames.Title}' applies to documents only, not to prompt '{promptName}'.", nameof(options));
        }

        return new PromptSelection(prompt, PromptCatalog.IsDocumentRole(promptName) ? titles : null);
    }

    /// <summary>Gets the prompt of input <paramref name="index"/>.</summary>
    public string PromptFor(int index) =>
        _titles is null ? _prompt : PromptCatalog.WithTitle(_prompt, _titles[index]);

    private static string? GetString(AdditionalPropertiesDictionary? properties, string key) =>
        properties is null || !properties.TryGetValue(key, out object? value) || value is null ? null :
        value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            _ => throw new ArgumentException($"AdditionalProperties['{key}'] must be a string, not {value.GetType().Name}.", "options"),
        };

    private static string?[]? GetTitles(AdditionalPropertiesDictionary? properties, int inputCount)
    {
        if (properties is null || !properties.TryGetValue(EmbeddingGemmaPropertyNames.Title, out object? value) || value is null)
        {
            return null;
        }

        string?[] titles = value switch
        {
            string s => Enumerable.Repeat<string?>(s, inputCount).ToArray(),
            JsonElement { ValueKind: JsonValueKind.String } e => Enumerable.Repeat(e.GetString(), inputCount).ToArray(),
            JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Null ? null : t.GetString()).ToArray(),
            IEnumerable list => list.Cast<object?>().Select(t => t switch
            {
                null => null,
                string s => s,
                _ => throw new ArgumentException($"Titles must be strings, not {t.GetType().Name}.", "options"),
            }).ToArray(),
            _ => throw new ArgumentException(
                $"AdditionalProperties['{EmbeddingGemmaPropertyNames.Title}'] must be a string or a list of strings, not {value.GetType().Name}.", "options"),
        };

        return titles.Length == inputCount ? titles : throw new ArgumentException(
            $"{titles.Length} titles were given for {inputCount} inputs; give one title per input, or a single string for all.", "options");
    }
}
