using Microsoft.Extensions.Options;
using SkEmbeddingGemma.Hub;
using SkEmbeddingGemma.Prompts;

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

        // No ModelPath is fine: the model then comes from the Hub, whose settings are checked instead.
        if (options.ModelLocator is null && !string.IsNullOrWhiteSpace(options.ModelPath))
        {
            if (!Directory.Exists(options.ModelPath))
            {
                failures.Add($"{settingPrefix}ModelPath '{options.ModelPath}' is not an existing folder (leave it out to download the model from the Hugging Face Hub).");
            }
            else
            {
                // The folder is known now, so what depends on it is checked at start rather than at the first request.
                string folder = $"{settingPrefix}ModelPath '{options.ModelPath}'";
                failures.AddRange(new[] { CheckGraph(options, settingPrefix, options.ModelPath, folder), CheckPrompt(options, settingPrefix, options.ModelPath, folder) }.OfType<string>());
            }
        }

        Check(failures, settingPrefix + nameof(options.HubRepository), options.HubRepository, HubNames.RepositoryError);
        Check(failures, settingPrefix + nameof(options.HubRevision), options.HubRevision, HubNames.RevisionError);
        Check(failures, settingPrefix + nameof(options.HubEndpoint), options.HubEndpoint, HubNames.EndpointError);
        if (options.HubCacheDirectory is { } cache && string.IsNullOrWhiteSpace(cache))
        {
            failures.Add($"{settingPrefix}HubCacheDirectory must not be blank (leave it out for HF_HUB_CACHE or $HF_HOME/hub).");
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
        AtLeast(failures, settingPrefix + nameof(options.DeviceId), options.DeviceId, 0);
        if (!Enum.IsDefined(options.ExecutionProvider))
        {
            failures.Add($"{settingPrefix}ExecutionProvider {(int)options.ExecutionProvider} is not one of {string.Join(", ", Enum.GetNames<EmbeddingGemmaExecutionProvider>())}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Checks that <paramref name="directory"/> has the variant's graph; runs at start for a <see cref="EmbeddingGemmaServiceOptions.ModelPath"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="settingPrefix">The settings' configuration path, such as <c>EmbeddingGemma:</c>.</param>
    /// <param name="directory">The model folder.</param>
    /// <param name="folder">How the failure names the folder's origin, such as <c>EmbeddingGemma:ModelPath '/models/gemma'</c>.</param>
    internal static string? CheckGraph(EmbeddingGemmaServiceOptions options, string settingPrefix, string directory, string folder)
    {
        string variant = string.IsNullOrWhiteSpace(options.Variant) ? EmbeddingGemmaModelFolder.DefaultVariant : options.Variant;
        try
        {
            _ = EmbeddingGemmaModelFolder.ResolveGraph(directory, variant);
            return null;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ArgumentException)
        {
            return options.Variant is null
                ? $"{folder} is not a usable model folder: {EmbeddingGemmaErrorText.Describe(ex)}"
                : $"{settingPrefix}Variant '{options.Variant}' does not fit {folder}: {EmbeddingGemmaErrorText.Describe(ex)}";
        }
    }

    /// <summary>
    /// Checks that <see cref="EmbeddingGemmaServiceOptions.DefaultPromptName"/> is one of <paramref name="directory"/>'s
    /// prompts (built-in, or from its <c>config_sentence_transformers.json</c>). Runs at start for a
    /// <see cref="EmbeddingGemmaServiceOptions.ModelPath"/>, and at load for a folder only known then (a locator's, the Hub's).
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="settingPrefix">The settings' configuration path, such as <c>EmbeddingGemma:</c>.</param>
    /// <param name="directory">The model folder.</param>
    /// <param name="folder">How the failure names the folder's origin, such as <c>EmbeddingGemma:ModelPath '/models/gemma'</c>.</param>
    internal static string? CheckPrompt(EmbeddingGemmaServiceOptions options, string settingPrefix, string directory, string folder)
    {
        if (string.IsNullOrWhiteSpace(options.DefaultPromptName))
        {
            return null;
        }

        try
        {
            PromptCatalog prompts = PromptCatalog.Load(directory);
            return prompts.TryGetPrompt(options.DefaultPromptName, out _)
                ? null
                : $"{settingPrefix}DefaultPromptName '{options.DefaultPromptName}' is not a prompt of the model at {folder}; " +
                    $"its prompts are {string.Join(", ", prompts.Names)}.";
        }
        catch (InvalidDataException ex)
        {
            return $"{folder} has prompts that cannot be read, so {settingPrefix}DefaultPromptName cannot be checked: {ex.Message}";
        }
    }

    private static void Check(List<string> failures, string setting, string? value, Func<string, string?> error)
    {
        if (value is not null && error(value) is { } problem)
        {
            failures.Add($"{setting} {problem}");
        }
    }

    private static void AtLeast(List<string> failures, string setting, int? value, int minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{setting} must be at least {minimum} (was {value}).");
        }
    }
}
