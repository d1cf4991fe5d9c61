using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the FAISS <see cref="VectorStore"/> and its collections, following the VectorData connectors' conventions:
/// the concrete type first, with <see cref="VectorStore"/> (or <see cref="VectorStoreCollection{TKey, TRecord}"/> and
/// <see cref="IVectorSearchable{TRecord}"/> and <see cref="IKeywordHybridSearchable{TRecord}"/>) forwarded to it.
/// </summary>
/// <remarks>
/// When the options carry no embedding generator, the <see cref="IEmbeddingGenerator"/> registered under the same key is used,
/// else the unkeyed one, such as the EmbeddingGemma pipeline of <c>AddEmbeddingGemma</c>; the options are copied, never changed.
/// The store applies EmbeddingGemma's document prompt to stored text and the query prompt to searches. The container disposes
/// the store or collection, which saves the FAISS index snapshots.
/// </remarks>
public static class FaissServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="FaissVectorStore"/> as <see cref="VectorStore"/> over one database file.</summary>
    /// <inheritdoc cref="AddKeyedFaissVectorStore(IServiceCollection, object?, Func{IServiceProvider, string}, Func{IServiceProvider, FaissVectorStoreOptions}?, ServiceLifetime)"/>
    public static IServiceCollection AddFaissVectorStore(
        this IServiceCollection services, string databasePath, Func<IServiceProvider, FaissVectorStoreOptions>? optionsProvider = null,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
        => AddKeyedFaissVectorStore(services, serviceKey: null, databasePath, optionsProvider, lifetime);

    /// <summary>Registers a <see cref="FaissVectorStore"/> as <see cref="VectorStore"/>, with the database path read from the services.</summary>
    /// <inheritdoc cref="AddKeyedFaissVectorStore(IServiceCollection, object?, Func{IServiceProvider, string}, Func{IServiceProvider, FaissVectorStoreOptions}?, ServiceLifetime)"/>
    public static IServiceCollection AddFaissVectorStore(
        this IServiceCollection services, Func<IServiceProvider, string> databasePathProvider,
        Func<IServiceProvider, FaissVectorStoreOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        => AddKeyedFaissVectorStore(services, serviceKey: null, databasePathProvider, optionsProvider, lifetime);

    /// <summary>Registers a keyed <see cref="FaissVectorStore"/> as <see cref="VectorStore"/> over one database file.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key of the store (and of the embedding generator it prefers), or null for none.</param>
    /// <param name="databasePath">The SQLite database file; the FAISS snapshots go to <c>{databasePath}.faiss/</c>.</param>
    /// <param name="optionsProvider">Builds the store's options; null for the defaults.</param>
    /// <param name="lifetime">The store's lifetime.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="databasePath"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty or blank.</exception>
    public static IServiceCollection AddKeyedFaissVectorStore(
        this IServiceCollection services, object? serviceKey, string databasePath,
        Func<IServiceProvider, FaissVectorStoreOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return AddKeyedFaissVectorStore(services, serviceKey, _ => databasePath, optionsProvider, lifetime);
    }

    /// <summary>Registers a keyed <see cref="FaissVectorStore"/> as <see cref="VectorStore"/>, with the database path read from the services.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key of the store (and of the embedding generator it prefers), or null for none.</param>
    /// <param name="databasePathProvider">Returns the SQLite database file when the store is created; a blank path fails then with an <see cref="ArgumentException"/>.</param>
    /// <param name="optionsProvider">Builds the store's options; null for the defaults.</param>
    /// <param name="lifetime">The store's lifetime.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="databasePathProvider"/> is null.</exception>
    public static IServiceCollection AddKeyedFaissVectorStore(
        this IServiceCollection services, object? serviceKey, Func<IServiceProvider, string> databasePathProvider,
        Func<IServiceProvider, FaissVectorStoreOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(databasePathProvider);
        services.Add(new ServiceDescriptor(typeof(FaissVectorStore), serviceKey, (sp, key) =>
            new FaissVectorStore(ResolvePath(sp, databasePathProvider), StoreOptions(sp, key, optionsProvider)), lifetime));
        services.Add(new ServiceDescriptor(typeof(VectorStore), serviceKey,
            static (sp, key) => sp.GetRequiredKeyedService<FaissVectorStore>(key), lifetime));
        return services;
    }

    /// <summary>Registers a <see cref="FaissCollection{TKey, TRecord}"/> as <see cref="VectorStoreCollection{TKey, TRecord}"/>, <see cref="IVectorSearchable{TRecord}"/> and <see cref="IKeywordHybridSearchable{TRecord}"/>.</summary>
    /// <inheritdoc cref="AddKeyedFaissCollection{TKey, TRecord}(IServiceCollection, object?, string, Func{IServiceProvider, string}, Func{IServiceProvider, FaissCollectionOptions}?, ServiceLifetime)"/>
    public static IServiceCollection AddFaissCollection<TKey, TRecord>(
        this IServiceCollection services, string name, string databasePath,
        Func<IServiceProvider, FaissCollectionOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
        => AddKeyedFaissCollection<TKey, TRecord>(services, serviceKey: null, name, databasePath, optionsProvider, lifetime);

    /// <summary>Registers a <see cref="FaissCollection{TKey, TRecord}"/>, with the database path read from the services.</summary>
    /// <inheritdoc cref="AddKeyedFaissCollection{TKey, TRecord}(IServiceCollection, object?, string, Func{IServiceProvider, string}, Func{IServiceProvider, FaissCollectionOptions}?, ServiceLifetime)"/>
    public static IServiceCollection AddFaissCollection<TKey, TRecord>(
        this IServiceCollection services, string name, Func<IServiceProvider, string> databasePathProvider,
        Func<IServiceProvider, FaissCollectionOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
        => AddKeyedFaissCollection<TKey, TRecord>(services, serviceKey: null, name, databasePathProvider, optionsProvider, lifetime);

    /// <summary>Registers a keyed <see cref="FaissCollection{TKey, TRecord}"/> as <see cref="VectorStoreCollection{TKey, TRecord}"/>, <see cref="IVectorSearchable{TRecord}"/> and <see cref="IKeywordHybridSearchable{TRecord}"/>.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key of the collection (and of the embedding generator it prefers), or null for none.</param>
    /// <param name="name">The collection name.</param>
    /// <param name="databasePath">The SQLite database file; the FAISS snapshot goes to <c>{databasePath}.faiss/</c>.</param>
    /// <param name="optionsProvider">Builds the collection's options; null for the defaults.</param>
    /// <param name="lifetime">The collection's lifetime.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="databasePath"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="databasePath"/> is empty or blank.</exception>
    public static IServiceCollection AddKeyedFaissCollection<TKey, TRecord>(
        this IServiceCollection services, object? serviceKey, string name, string databasePath,
        Func<IServiceProvider, FaissCollectionOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return AddKeyedFaissCollection<TKey, TRecord>(services, serviceKey, name, _ => databasePath, optionsProvider, lifetime);
    }

    /// <summary>Registers a keyed <see cref="FaissCollection{TKey, TRecord}"/>, with the database path read from the services.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key of the collection (and of the embedding generator it prefers), or null for none.</param>
    /// <param name="name">The collection name.</param>
    /// <param name="databasePathProvider">Returns the SQLite database file when the collection is created; a blank path fails then with an <see cref="ArgumentException"/>.</param>
    /// <param name="optionsProvider">Builds the collection's options; null for the defaults.</param>
    /// <param name="lifetime">The collection's lifetime.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="databasePathProvider"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or blank.</exception>
    public static IServiceCollection AddKeyedFaissCollection<TKey, TRecord>(
        this IServiceCollection services, object? serviceKey, string name, Func<IServiceProvider, string> databasePathProvider,
        Func<IServiceProvider, FaissCollectionOptions>? optionsProvider = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(databasePathProvider);
        services.Add(new ServiceDescriptor(typeof(FaissCollection<TKey, TRecord>), serviceKey, (sp, key) =>
            new FaissCollection<TKey, TRecord>(ResolvePath(sp, databasePathProvider), name, CollectionOptions(sp, key, optionsProvider)), lifetime));
        services.Add(new ServiceDescriptor(typeof(VectorStoreCollection<TKey, TRecord>), serviceKey,
            static (sp, key) => sp.GetRequiredKeyedService<FaissCollection<TKey, TRecord>>(key), lifetime));
        services.Add(new ServiceDescriptor(typeof(IVectorSearchable<TRecord>), serviceKey,
            static (sp, key) => sp.GetRequiredKeyedService<FaissCollection<TKey, TRecord>>(key), lifetime));
        services.Add(new ServiceDescriptor(typeof(IKeywordHybridSearchable<TRecord>), serviceKey,
            static (sp, key) => sp.GetRequiredKeyedService<FaissCollection<TKey, TRecord>>(key), lifetime));
        return services;
    }

    private static string ResolvePath(IServiceProvider services, Func<IServiceProvider, string> databasePathProvider)
    {
        string? path = databasePathProvider(services);
        return string.IsNullOrWhiteSpace(path)
            ? throw new ArgumentException("The FAISS database path provider returned a null, empty or blank path.", nameof(databasePathProvider))
            : path;
    }

    private static FaissVectorStoreOptions? StoreOptions(IServiceProvider services, object? serviceKey, Func<IServiceProvider, FaissVectorStoreOptions>? optionsProvider)
    {
        FaissVectorStoreOptions? options = optionsProvider?.Invoke(services);
        return options?.EmbeddingGenerator is null && RegisteredGenerator(services, serviceKey) is { } generator
            ? new FaissVectorStoreOptions(options ?? new()) { EmbeddingGenerator = generator }
            : options;
    }

    private static FaissCollectionOptions? CollectionOptions(IServiceProvider services, object? serviceKey, Func<IServiceProvider, FaissCollectionOptions>? optionsProvider)
    {
        FaissCollectionOptions? options = optionsProvider?.Invoke(services);
        return options?.EmbeddingGenerator is null && RegisteredGenerator(services, serviceKey) is { } generator
            ? new FaissCollectionOptions(options ?? new()) { EmbeddingGenerator = generator }
            : options;
    }

    // A keyed store prefers the generator registered under its own key (AddKeyedEmbeddingGemma), then the unkeyed one.
    private static IEmbeddingGenerator? RegisteredGenerator(IServiceProvider services, object? serviceKey) =>
        (serviceKey is null ? null : services.GetKeyedService<IEmbeddingGenerator>(serviceKey)) ?? services.GetService<IEmbeddingGenerator>();
}
