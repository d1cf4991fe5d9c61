using Microsoft.Extensions.Diagnostics.HealthChecks;
using SkEmbeddingGemma;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="EmbeddingGemmaHealthCheck"/> to ASP.NET Core style health checks.</summary>
public static class EmbeddingGemmaHealthChecksBuilderExtensions
{
    /// <summary>Adds a check of the EmbeddingGemma model registered under <paramref name="serviceKey"/>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; by default <c>embeddinggemma</c>.</param>
    /// <param name="serviceKey">The registration's key; null for the unkeyed <c>AddEmbeddingGemma</c>.</param>
    /// <param name="failureStatus">The status of a failed load; by default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, such as <c>ready</c>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    public static IHealthChecksBuilder AddEmbeddingGemma(
        this IHealthChecksBuilder builder, string name = "embeddinggemma", object? serviceKey = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new EmbeddingGemmaHealthCheck(sp.GetRequiredKeyedService<EmbeddingGemmaModel>(serviceKey)),
            failureStatus,
            tags));
    }
}
