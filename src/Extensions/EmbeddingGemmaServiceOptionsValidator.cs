using Microsoft.Extensions.Options;

namespace SkEmbeddingGemma;

/// <summary>Validates one named <see cref="EmbeddingGemmaServiceOptions"/>; messages name the setting by its configuration path.</summary>
internal sealed class EmbeddingGemmaServiceOptionsValidator(string optionsName, string settingPrefix) : IValidateOptions<EmbeddingGemmaServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddingGemmaServiceOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ModelLocator is null)
        {
            if (string.IsNullOrWhiteSpace(options.ModelPath))
            {
                failures.Add($"{settingPrefix}ModelPath is required (or set a ModelLocator in code): the folder of an EmbeddingGemma ONNX export.");
            }
            else if (!Directory.Exists(options.ModelPath))
            {
                failures.Add($"{settingPrefix}ModelPath '{options.ModelPath}' is not an existing folder.");
            }
        }

        if (options.Variant is { } variant && string.IsNullOrWhiteSpace(variant))
        {
            failures.Add($"{settingPrefix}Variant must not be blank (use model, model_quantized or model_q4, or leave it out).");
        }

        if (options.DefaultPromptName is { } prompt && string.IsNullOrWhiteSpace(prompt))
        {
            failures.Add($"{settingPrefix}DefaultPromptName must not be blank (use query, document, ... or leave it out).");
        }

        AtLeast(failures, settingPrefix + nameof(options.Dimensions), options.Dimensions, 1);
        AtLeast(failures, settingPrefix + nameof(options.IntraOpNumThreads), options.IntraOpNumThreads, 1);
        AtLeast(failures, settingPrefix + nameof(options.MaxBatchSize), options.MaxBatchSize, 1);
        AtLeast(failures, settingPrefix + nameof(options.MaxBatchTokens), options.MaxBatchTokens, 1);
        AtLeast(failures, settingPrefix + nameof(options.MaxTokens), options.MaxTokens, 2);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeast(List<string> failures, string setting, int? value, int minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{setting} must be at least {minimum} (was {value}).");
        }
    }
}
