using Microsoft.Extensions.DependencyInjection;
using SkEmbeddingGemma.VectorData.Faiss;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the FAISS vector store to a Semantic Kernel <see cref="IKernelBuilder"/>: it forwards to <c>AddFaissVectorStore</c> on its services.</summary>
public static class FaissKernelBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="FaissVectorStore"/> as the kernel's <see cref="Microsoft.Extensions.VectorData.VectorStore"/>, embedding
    /// with the kernel's generator (such as <c>AddEmbeddingGemma</c>'s) unless the options name one.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="databasePath">The SQLite database file; the FAISS snapshots go to <c>{databasePath}.faiss/</c>.</param>
    /// <param name="optionsProvider">Builds the store's options; null for the defaults.</param>
    /// <param name="serviceKey">A service key, or null for the unkeyed store.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="databasePath"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty or blank.</exception>
    public static IKernelBuilder AddFaissVectorStore(
        this IKernelBuilder builder, string databasePath, Func<IServiceProvider, FaissVectorStoreOptions>? optionsProvider = null, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedFaissVectorStore(serviceKey, databasePath, optionsProvider);
        return builder;
    }
}
