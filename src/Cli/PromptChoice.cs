using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The prompt of one input line, decided by that line and the command line alone (never by other lines): the line's
/// <c>prompt</c> or <c>prompt_name</c>, else <c>--prompt</c> or <c>--prompt-name</c>, else the document prompt when the
/// line has a title (its <c>title</c>, else <c>--title</c>), else the model's default prompt (none for EmbeddingGemma:
/// the text as is). Lines with equal choices are embedded together, each with its own title.
/// </summary>
internal readonly record struct PromptChoice(string? PromptName, string? Prompt)
{
    /// <summary>The rule, for <c>--help</c>.</summary>
    public const string Rule =
        "Each line's prompt: its \"prompt\" or \"prompt_name\", else --prompt or --prompt-name, else the document prompt "
        + "(title: {title} | text: ) when the line has a title (its own or --title), else the model's default (none for EmbeddingGemma: the text as is). "
        + "A title needs a document prompt.";

    /// <summary>Decides the prompt of <paramref name="line"/> (whose title already includes <c>--title</c>).</summary>
    /// <exception cref="InvalidDataException">The line has a title but its prompt is not a document prompt; the message names the line.</exception>
    public static PromptChoice For(InputLine line, PromptChoice defaults)
    {
        PromptChoice choice = line.Prompt is not null ? new(null, line.Prompt)
            : line.PromptName is not null ? new(line.PromptName, null)
            : defaults.Prompt is not null || defaults.PromptName is not null ? defaults
            : line.Title is not null ? new(EmbeddingGemmaPromptNames.Document, null)
            : default;
        if (line.Title is not null && !choice.IsDocument)
        {
            string prompt = choice.Prompt is not null ? "a raw prompt" : $"prompt '{choice.PromptName}'";
            throw new InvalidDataException(
                $"line {line.Line}: a title (the line's \"title\" or --title) goes with the document prompt, not with {prompt}; drop the title or the prompt.");
        }

        return choice;
    }

    /// <summary>Builds generation options for lines sharing this choice, with their titles.</summary>
    public EmbeddingGenerationOptions ToOptions(IReadOnlyList<string?> titles)
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = [] };
        if (Prompt is not null)
        {
            options.AdditionalProperties[EmbeddingGemmaPropertyNames.Prompt] = Prompt;
        }
        else if (PromptName is not null)
        {
            options.AdditionalProperties[EmbeddingGemmaPropertyNames.PromptName] = PromptName;
            if (IsDocument)
            {
                options.AdditionalProperties[EmbeddingGemmaPropertyNames.Title] = titles.ToArray();
            }
        }

        return options;
    }

    private bool IsDocument => Prompt is null && PromptName is not null && EmbeddingGemmaPromptNames.IsDocumentRole(PromptName);
}
