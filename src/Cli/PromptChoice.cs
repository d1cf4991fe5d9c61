using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The prompt of one input line: its own <c>prompt</c> / <c>prompt_name</c> / <c>title</c>, else the command's.
/// Lines with equal choices (titles aside) are embedded together.
/// </summary>
internal readonly record struct PromptChoice(string? PromptName, string? Prompt)
{
    /// <summary>Combines a line's fields with the command line's defaults.</summary>
    public static PromptChoice For(InputLine line, PromptChoice defaults) =>
        line.Prompt is not null ? new(null, line.Prompt)
        : line.PromptName is not null ? new(line.PromptName, null)
        : defaults;

    /// <summary>Builds generation options for lines sharing this choice, with their titles.</summary>
    public EmbeddingGenerationOptions ToOptions(IReadOnlyList<string?> titles, int? dimensions)
    {
        var options = new EmbeddingGenerationOptions { Dimensions = dimensions, AdditionalProperties = [] };
        if (Prompt is not null)
        {
            options.AdditionalProperties[EmbeddingGemmaPropertyNames.Prompt] = Prompt;
        }
        else if (PromptName is not null)
        {
            options.AdditionalProperties[EmbeddingGemmaPropertyNames.PromptName] = PromptName;
        }

        if (titles.Any(t => t is not null))
        {
            options.AdditionalProperties[EmbeddingGemmaPropertyNames.Title] = titles.ToArray();
        }

        return options;
    }
}
