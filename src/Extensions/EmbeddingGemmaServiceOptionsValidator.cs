using Microsoft.Extensions.Options;
using SkEmbeddingGemma.Hub;

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
        if (options.ModelLocator is null && !string.IsNullOrWhiteSpace(options.ModelPath) && !Directory.Exists(options.ModelPath))
        {
            failures.Add($"{settingPrefix}ModelPath '{options.ModelPath}' is not an existing folder (leave it out to download the model from the Hugging Face Hub).");
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
