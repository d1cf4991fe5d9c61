using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// A vector store kept in one SQLite database file (records, one table per collection) with a FAISS index per
/// collection derived from it and snapshotted in <c>{databasePath}.faiss/</c>.
/// </summary>
/// <remarks>
/// <para>All members are thread-safe. Disposing the store disposes the collections it handed out (saving their indexes).</para>
/// <para>Collection names are exact (ordinal): a name that differs from an existing collection's only in case is refused
/// when created (SQLite table names ignore case), and deleting or checking a name touches only that exact name.</para>
/// </remarks>
public sealed class FaissVectorStore : VectorStore
{
    private readonly FaissVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata;
    private readonly string _connectionString;
    private readonly List<IDisposable> _collections = [];
    private readonly Lock _collectionsLock = new();

    /// <summary>Initializes a new instance of the <see cref="FaissVectorStore"/> class.</summary>
    /// <param name="databasePath">The SQLite database file; created if missing.</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="databasePath"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty.</exception>
    public FaissVectorStore(string databasePath, FaissVectorStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = databasePath;
        _options = options ?? new FaissVectorStoreOptions();
        _connectionString = FaissRecordTable.ConnectionString(databasePath);
        _metadata = new() { VectorStoreSystemName = FaissConstants.VectorStoreSystemName, VectorStoreName = databasePath };
        if (_options.ThreadCount is int threads)
        {
            FaissIndex.ThreadCount = threads;
        }
    }

    /// <summary>Gets the SQLite database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The record model is not supported (see <see cref="FaissCollection{TKey, TRecord}"/>).</exception>
    public override FaissCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
        {
            throw new ArgumentException("Use GetDynamicCollection for Dictionary<string, object?> records.", nameof(name));
        }

        return Track(new FaissCollection<TKey, TRecord>(DatabasePath, name, CollectionOptions(definition)));
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The definition is not supported (see <see cref="FaissCollection{TKey, TRecord}"/>).</exception>
    public override FaissCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definition);
        return Track(new FaissCollection<object, Dictionary<string, object?>>(
            DatabasePath, name, CollectionOptions(definition),
            static o => new FaissModelBuilder().BuildDynamic(o.Definition!, o.EmbeddingGenerator)));
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        List<string> names = Run("ListCollectionNames", () =>
        {
            using SqliteConnection connection = FaissRecordTable.Open(_connectionString);
            return FaissCatalog.List(connection, null);
        });
        foreach (string name in names)
        {
            yield return name;
        }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Task.FromResult(Run("CollectionExists", () =>
        {
            using SqliteConnection connection = FaissRecordTable.Open(_connectionString);
            return FaissCatalog.Read(connection, null, name) is not null;
        }));
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Run("EnsureCollectionDeleted", () =>
        {
            using SqliteConnection connection = FaissRecordTable.Open(_connectionString);
            if (FaissCatalog.Drop(connection, name))
            {
                FaissIndexSet.DeleteSnapshots(FaissCollection<object, object>.IndexPathFor(DatabasePath, name));
            }

            return true;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            IDisposable[] collections;
            lock (_collectionsLock)
            {
                collections = [.. _collections];
                _collections.Clear();
            }

            foreach (IDisposable collection in collections)
            {
                collection.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private FaissCollectionOptions CollectionOptions(VectorStoreCollectionDefinition? definition)
    {
        FaissCollectionOptions options = _options.CollectionDefaults is { } defaults ? new(defaults) : new();
        options.Definition = definition;
        options.EmbeddingGenerator ??= _options.EmbeddingGenerator;
        return options;
    }

    private T Track<T>(T collection)
        where T : IDisposable
    {
        lock (_collectionsLock)
        {
            _collections.Add(collection);
        }

        return collection;
    }

    private T Run<T>(string operation, Func<T> action) => FaissSqliteFailure.Run(DatabasePath, null, operation, action);
}
