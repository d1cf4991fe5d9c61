using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SkEmbeddingGemma;

/// <summary>
/// Reports an <see cref="EmbeddingGemmaModel"/>: <see cref="HealthStatus.Healthy"/> once loaded, <see cref="HealthStatus.Degraded"/>
/// while not loaded yet (it loads on first use) or loading, and the registration's failure status (by default
/// <see cref="HealthStatus.Unhealthy"/>) with the exception's message (see <see cref="EmbeddingGemmaErrorText"/>) when the last load failed.
/// </summary>
/// <remarks>Thread-safe; the check never loads the model.</remarks>
public sealed class EmbeddingGemmaHealthCheck : IHealthCheck
{
    private readonly EmbeddingGemmaModel _model;

    /// <summary>Creates a check of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public EmbeddingGemmaHealthCheck(EmbeddingGemmaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        EmbeddingGemmaModelStatus status = _model.Status;
        var data = new Dictionary<string, object> { ["status"] = status.ToString() };
        HealthCheckResult result;
        if (status == EmbeddingGemmaModelStatus.Loaded && _model.Generator is { } generator)
        {
            data["modelId"] = generator.ModelId;
            data["dimensions"] = generator.EmbeddingDimensions;
            data["maxTokens"] = generator.MaxTokens;
            result = HealthCheckResult.Healthy($"EmbeddingGemma model '{generator.ModelId}' is loaded.", data);
        }
        else if (status == EmbeddingGemmaModelStatus.Failed && _model.Failure is { } failure)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, $"EmbeddingGemma failed to load: {EmbeddingGemmaErrorText.Describe(failure)}", failure, data);
        }
        else if (status == EmbeddingGemmaModelStatus.Loading)
        {
            result = HealthCheckResult.Degraded("EmbeddingGemma model is loading.", data: data);
        }
        else
        {
            result = HealthCheckResult.Degraded("EmbeddingGemma model is not loaded yet; it loads on first use.", data: data);
        }

        return Task.FromResult(result);
    }
}
