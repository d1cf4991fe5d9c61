using Microsoft.Extensions.Options;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>Checks <see cref="EmbeddingGemmaServerOptions"/> at start: one failure per bad setting, each naming it.</summary>
internal sealed class EmbeddingGemmaServerOptionsValidator : IValidateOptions<EmbeddingGemmaServerOptions>
{
    private const string Prefix = EmbeddingGemmaServerOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, EmbeddingGemmaServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelName) || options.ModelName.Contains(':', StringComparison.Ordinal))
        {
            failures.Add($"{Prefix}ModelName '{options.ModelName}' must be a non-empty name without ':' (':' separates the prompt in model ids such as embeddinggemma:query).");
        }

        AtLeast(failures, nameof(options.MaxClientBatchSize), options.MaxClientBatchSize, 1);
        AtLeast(failures, nameof(options.MaxInputLength), options.MaxInputLength, 1);
        AtLeast(failures, nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024);
        AtLeast(failures, nameof(options.MaxConcurrentRequests), options.MaxConcurrentRequests, 1);
        AtLeast(failures, nameof(options.MaxBatchRequests), options.MaxBatchRequests, 1);
        AtLeast(failures, nameof(options.MaxConcurrentBatches), options.MaxConcurrentBatches, 0);
        AtLeast(failures, nameof(options.WarmupTokens), options.WarmupTokens, 2);
        if (options.MicroBatchWindowMilliseconds is < 0 or > 1000 || double.IsNaN(options.MicroBatchWindowMilliseconds))
        {
            failures.Add($"{Prefix}MicroBatchWindowMilliseconds {options.MicroBatchWindowMilliseconds} must be between 0 and 1000.");
        }

        for (int i = 0; i < options.ApiKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ApiKeys[i]) || options.ApiKeys[i].Trim().Length != options.ApiKeys[i].Length)
            {
                failures.Add($"{Prefix}ApiKeys[{i}] is empty or has leading or trailing spaces; a key must be the exact token clients send.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeast(List<string> failures, string setting, long value, long minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{Prefix}{setting} is {value}; it must be at least {minimum}.");
        }
    }
}
