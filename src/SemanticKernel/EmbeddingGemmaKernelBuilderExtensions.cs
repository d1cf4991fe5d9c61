using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SkEmbeddingGemma;

namespace Microsoft.SemanticKernel;

/// <summary>Adds EmbeddingGemma to a Semantic Kernel <see cref="IKernelBuilder"/>: it forwards to <c>AddEmbeddingGemma</c> on its services.</summary>
public static class EmbeddingGemmaKernelBuilderExtensions
{
    /// <summary>Registers EmbeddingGemma, configured in code, as the kernel's embedding generator.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Sets the options, at least the model path or locator.</param>
    /// <param name="serviceKey">A service key, or null for the unkeyed generator.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    public static IKernelBuilder AddEmbeddingGemma(this IKernelBuilder builder, Action<EmbeddingGemmaServiceOptions> configure, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        _ = serviceKey is null
            ? builder.Services.AddEmbeddingGemma(configure)
            : builder.Services.AddKeyedEmbeddingGemma(serviceKey, configure);
        return builder;
    }

    /// <summary>Registers EmbeddingGemma, bound to a configuration section, as the kernel's embedding generator.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section, usually <c>EmbeddingGemma</c>.</param>
    /// <param name="configure">Adjusts the bound options; null for none.</param>
    /// <param name="serviceKey">A service key, or null for the unkeyed generator.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is null.</exception>
    public static IKernelBuilder AddEmbeddingGemma(
        this IKernelBuilder builder, IConfiguration configuration, Action<EmbeddingGemmaServiceOptions>? configure = null, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        _ = serviceKey is null
            ? builder.Services.AddEmbeddingGemma(configuration, configure)
            : builder.Services.AddKeyedEmbeddingGemma(serviceKey, configuration, configure);
        return builder;
    }
}
