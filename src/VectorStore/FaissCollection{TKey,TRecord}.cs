using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// A collection of records stored in SQLite (the source of truth, one table per collection) and searched with FAISS
/// indexes derived from it, one per vector property (snapshotted beside the database, reconciled or rebuilt on open).
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="Guid"/>, <see cref="int"/>, <see cref="long"/> or <see cref="string"/> (<see cref="object"/> for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <remarks>
/// <para>All members are thread-safe: searches and reads run concurrently with each other and with one writer; writes are serialized.
/// Several instances and processes may open the same collection; each one reconciles its index when another wrote.</para>
/// <para>An <see cref="UpsertAsync(IEnumerable{TRecord}, CancellationToken)"/> that returned is durable (SQLite WAL with full sync).</para>
/// <para>The collection's definition (key and data properties with their types, vector dimensions, distance function and
/// index kind) is recorded when it is created; every operation of an instance opened with another definition throws
/// <see cref="FaissCollectionMismatchException"/>. So does using an embedding generator whose
/// <see cref="EmbeddingGeneratorMetadata"/> (provider, model id, dimensions) differs from the one recorded at the
/// vector property's first embedding (checked at this instance's first embedding, not at open).</para>
/// <para>A record may have several vector properties (choose one per search with <see cref="VectorSearchOptions{TRecord}.VectorProperty"/>;
/// without a choice, a search of a record with several fails as with every connector) or none (stored, read and filtered, not searched).
/// Each vector property has its own distance function, index kind, snapshot and embedding generator identity.</para>
/// <para>String-typed vector properties are embedded with the configured generator, one call per upsert batch, passing
/// EmbeddingGemma's <c>prompt_name</c> = <c>document</c> and one <c>title</c> per record in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>;
/// searching with a string passes <c>query</c>. Generators other than EmbeddingGemma ignore these keys.</para>
/// <para>A dynamic record may give such a property's vector already computed instead of its input (a
/// <see cref="ReadOnlyMemory{T}"/> of float, a float array or an <see cref="Embedding{T}"/> of float), e.g. an image that
/// the same model embedded through its <see cref="DataContent"/> interface: it is stored as given (its dimensions checked),
/// beside records embedded in the same batch, and searched with text queries like them. The caller vouches that it comes
/// from the property's generator, whose identity is checked and recorded for it as for the vectors it embeds.</para>
/// </remarks>
#pragma warning disable CA1711 // Identifiers should not have incorrect suffix: "Collection" is the MEVD naming convention.
public sealed partial class FaissCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
#pragma warning restore CA1711
    where TKey : notnull
    where TRecord : class
{
    private static readonly VectorSearchOptions<TRecord> s_defaultSearchOptions = new();

    private readonly CollectionModel _model;
    private readonly FaissCollectionOptions _options;
    private readonly FaissRecordTable _table;
    private readonly FaissIndexSet _indexes;
    private readonly FaissRecordVectors _vectors;
    private readonly VectorStoreCollectionMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="FaissCollection{TKey, TRecord}"/> class.</summary>
    /// <param name="databasePath">The SQLite database file (created if missing); index snapshots go to <c>{databasePath}.faiss/</c>.</param>
    /// <param name="name">The collection name.</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="databasePath"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> or <paramref name="name"/> is empty.</exception>
    /// <exception cref="NotSupportedException">The record model uses an unsupported key type, property type, distance function or index kind.</exception>
    public FaissCollection(string databasePath, string name, FaissCollectionOptions? options = null)
        : this(databasePath, name, options, static o => typeof(TRecord) == typeof(Dictionary<string, object?>)
            ? throw new NotSupportedException("Use FaissVectorStore.GetDynamicCollection for Dictionary<string, object?> records.")
            : new FaissModelBuilder().Build(typeof(TRecord), typeof(TKey), o.Definition, o.EmbeddingGenerator))
    {
    }

    internal FaissCollection(string databasePath, string name, FaissCollectionOptions? options, Func<FaissCollectionOptions, CollectionModel> modelFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _options = options is null ? new FaissCollectionOptions() : new FaissCollectionOptions(options);
        _model = modelFactory(_options);
        foreach (VectorPropertyModel vector in _model.VectorProperties)
        {
            FaissModelBuilder.ValidateVectorProperty(vector);
        }

        PropertyModel? titleProperty = null;
        if (_options.TitleProperty is string title)
        {
            titleProperty = _model.DataProperties.FirstOrDefault(p => p.ModelName == title && p.Type == typeof(string))
                ?? throw new ArgumentException($"Title property '{title}' is not a string data property of the record.", nameof(options));
        }

        Name = name;
        DatabasePath = databasePath;
        IndexPath = IndexPathFor(databasePath, name);
        _table = new FaissRecordTable(databasePath, name, _model, FaissVectorSlot.For(_model, IndexPath));
        _indexes = new FaissIndexSet(_table, _options);
        _vectors = new FaissRecordVectors(_table.Slots, titleProperty, CheckGenerator);
        _metadata = new() { VectorStoreSystemName = FaissConstants.VectorStoreSystemName, VectorStoreName = databasePath, CollectionName = name };
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Gets the SQLite database file holding the records.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Gets the FAISS index snapshot file of the first vector property (readable by any FAISS, e.g. Python's
    /// <c>faiss.read_index</c>; its ids are internal row ids). See <see cref="GetIndexPath(string)"/> for the others.
    /// </summary>
    public string IndexPath { get; }

    /// <summary>Gets the FAISS index snapshot file of a vector property (each vector property has its own index).</summary>
    /// <param name="vectorProperty">The vector property's name in the record model.</param>
    /// <returns>The snapshot file's path (written on dispose, by <see cref="SaveIndexAsync(CancellationToken)"/> and every <see cref="FaissCollectionOptions.SnapshotThreshold"/> changes).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vectorProperty"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The record has no vector property of that name.</exception>
    public string GetIndexPath(string vectorProperty)
    {
        ArgumentNullException.ThrowIfNull(vectorProperty);
        return _table.Slots.FirstOrDefault(s => s.Property.ModelName == vectorProperty)?.IndexPath
            ?? throw new ArgumentException($"The record has no vector property '{vectorProperty}'.", nameof(vectorProperty));
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(Run("CollectionExists", () =>
        {
            using SqliteConnection connection = _table.Open();
            return FaissCatalog.Read(connection, null, Name) is not null;
        }));

    /// <inheritdoc />
    /// <exception cref="FaissCollectionMismatchException">The collection exists with another definition.</exception>
    /// <exception cref="VectorStoreException">A collection whose name differs only in case exists, or SQLite failed.</exception>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        Run("EnsureCollectionExists", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Create(connection, _options.CreationHook);
            if (RescoresFromInt8)
            {
                _table.EnsureInt8(connection);
            }

            return true;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        Run("EnsureCollectionDeleted", () =>
        {
            using SqliteConnection connection = _table.Open();
            if (FaissCatalog.Drop(connection, Name))
            {
                _indexes.Reset();
            }

            return true;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await foreach (TRecord record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(
        IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        bool includeVectors = CheckIncludeVectors(options?.IncludeVectors ?? false);
        var keyList = keys.Select(k => (object)k).ToList();
        if (keyList.Count == 0)
        {
            yield break;
        }

        await Task.Yield();
        List<(long Id, object Record)> rows = Run("Get", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            return _table.ReadByKeys(connection, keyList, includeVectors, CreateRecord);
        });
        foreach ((long _, object record) in rows)
        {
            yield return (TRecord)record;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is less than 1, or <c>Skip</c> is negative.</exception>
    /// <exception cref="NotSupportedException">The filter uses an unsupported construct.</exception>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        bool includeVectors = CheckIncludeVectors(options.IncludeVectors);
        (string where, IReadOnlyList<KeyValuePair<string, object>> parameters) = FaissFilterTranslator.Translate(filter, _model);

        var order = new StringBuilder("ORDER BY ");
        foreach (FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition.SortInfo sort in options.OrderBy?.Invoke(new()).Values ?? [])
        {
            order.Append("t.").Append(FaissRecordTable.Column(_model.GetDataOrKeyProperty(sort.PropertySelector))).Append(sort.Ascending ? " ASC, " : " DESC, ");
        }

        order.Append("t.").Append(FaissConstants.IdColumn).Append(" LIMIT ").Append(top).Append(" OFFSET ").Append(options.Skip);
        await Task.Yield();
        List<(long Id, object Record)> rows = Run("Get", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            return _table.Read(connection, where, parameters, order.ToString(), includeVectors, CreateRecord);
        });
        foreach ((long _, object record) in rows)
        {
            yield return (TRecord)record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyList = keys.Select(k => (object)k).Distinct().ToList();
        if (keyList.Count == 0)
        {
            return Task.CompletedTask;
        }

        Run("Delete", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            _indexes.Write(connection, transaction => (_table.DeleteKeys(connection, transaction, keyList), [], []));
            return true;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A record is <see langword="null"/>, has no key or vector, or a vector has the wrong dimension.</exception>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        List<TRecord> list = [.. records];
        if (list.Count == 0)
        {
            return;
        }

        if (list.Any(r => r is null))
        {
            throw new ArgumentException("The records contain null.", nameof(records));
        }

        IReadOnlyList<IReadOnlyList<float[]>> vectors = await _vectors.GetAsync(list, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        // Keys (generating Guids where asked); the last record of a key wins within a batch.
        KeyPropertyModel keyProperty = _model.KeyProperty;
        var latest = new Dictionary<object, int>();
        for (int i = 0; i < list.Count; i++)
        {
            object? key = keyProperty.GetValueAsObject(list[i]);
            if (keyProperty.IsAutoGenerated && key is Guid g && g == Guid.Empty)
            {
                key = Guid.NewGuid();
                keyProperty.SetValueAsObject(list[i], key);
            }

            latest[key ?? throw new ArgumentException($"Record {i} has a null key.", nameof(records))] = i;
        }

        var indexes = latest.Values.Order().ToArray();
        var batch = indexes.Select(i => (object)list[i]).ToList();
        IReadOnlyList<float[]>[] batchVectors = [.. vectors.Select(v => (IReadOnlyList<float[]>)[.. indexes.Select(i => v[i])])];
        Run("Upsert", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            _indexes.Write(connection, transaction =>
            {
                List<long> removed = _table.DeleteKeys(connection, transaction, latest.Keys);
                long[] added = _table.Insert(connection, transaction, batch, batchVectors);
                if (RescoresFromInt8)
                {
                    _table.InsertInt8(connection, transaction, added, batchVectors);
                }
                return (removed, added, batchVectors);
            });
            return true;
        });
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="searchValue"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is less than 1, or <c>Skip</c> is negative.</exception>
    /// <exception cref="NotSupportedException">The filter uses an unsupported construct, the input type can't be embedded, or vectors were requested for generated embeddings.</exception>
    /// <exception cref="InvalidOperationException">The record has no vector property, or several and <c>VectorProperty</c> names none, or the vector property's generator can't embed this input type.</exception>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite or FAISS failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= s_defaultSearchOptions;
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        bool includeVectors = CheckIncludeVectors(options.IncludeVectors);
        FaissIndexState index = _indexes[_model.GetVectorPropertyOrSingle(options)];
        FaissDistance distance = index.Slot.Distance;
        (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)? filter =
            options.Filter is null ? null : FaissFilterTranslator.Translate(options.Filter, _model);

        Run("Search", () =>
        {
            // Refuse a mismatched definition before embedding the query.
            using SqliteConnection connection = _table.Open();
            return _table.Guard.Verify(connection);
        });
        float[] query = await _vectors.GetQueryAsync(searchValue, index.Slot, cancellationToken).ConfigureAwait(false);
        if (distance.Normalize)
        {
            FaissSearchMapping.NormalizeInPlace(query);
        }

        int k = checked(top + options.Skip);
        int candidates = index.Plan.Rescores ? checked(k * _options.TwoStageSearch!.CandidateMultiplier) : k;
        List<(long Id, float Score)> hits = Run("Search", () =>
        {
            using SqliteConnection connection = _table.Open();
            FaissCollectionRow row = _table.Guard.Verify(connection);
            long[]? selector = filter is { } f ? _table.FilterIds(connection, f.Sql, f.Parameters) : null;
            List<(long Id, float Score)> found = selector is { Length: 0 }
                ? []
                : index.Read(connection, row, (faiss, tombstones) => SearchIndex(faiss, tombstones, query, candidates, selector));

            // Two-stage search: the first pass found candidates; their exact scores come from the slot's stored float vectors.
            if (!index.Plan.Rescores || found.Count == 0)
            {
                return found;
            }

            var rescorer = new FaissRescorer(query, distance, found.Count);
            List<long> ids = found.ConvertAll(h => h.Id);
            if (_options.TwoStageSearch!.RescoringVectors == FaissRescoringVectors.Int8)
            {
                // Candidates without an int8 copy (stored by an instance without the option) are scored from float32.
                ids = _table.RescoreInt8ByIds(connection, index.Slot, ids, rescorer);
            }

            if (ids.Count > 0)
            {
                _table.RescoreByIds(connection, index.Slot, ids, rescorer);
            }

            return rescorer.Top(k);
        });

        var page = hits.Select(h => (h.Id, Score: distance.ToScore(h.Score)))
            .Where(h => distance.PassesThreshold(h.Score, options.ScoreThreshold)).Skip(options.Skip).Take(top).ToList();
        if (page.Count == 0)
        {
            yield break;
        }

        Dictionary<long, object> records = Run("Search", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            return _table.ReadByIds(connection, page.Select(h => h.Id).ToList(), includeVectors, CreateRecord);
        });
        foreach ((long id, double score) in page)
        {
            if (records.TryGetValue(id, out object? record))
            {
                yield return new VectorSearchResult<TRecord>((TRecord)record, score);
            }
        }
    }

    /// <summary>Writes the FAISS index snapshot now (it is also written on dispose and every <see cref="FaissCollectionOptions.SnapshotThreshold"/> changes).</summary>
    /// <param name="cancellationToken">A token to cancel before the snapshot starts.</param>
    /// <returns>A task that completes when the snapshot is on disk.</returns>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite or FAISS failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public Task SaveIndexAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run("SaveIndex", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            _indexes.Save(connection, force: true);
            return true;
        });
        return Task.CompletedTask;
    }

    /// <summary>Rebuilds the FAISS index from the records (dropping HNSW tombstones, retraining IVF) and snapshots it.</summary>
    /// <param name="cancellationToken">A token to cancel before the rebuild starts.</param>
    /// <returns>A task that completes when the new index is in use and on disk.</returns>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite or FAISS failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public Task RebuildIndexAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run("RebuildIndex", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            _indexes.Rebuild(connection);
            return true;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _indexes.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static string IndexPathFor(string databasePath, string name)
    {
        var safe = new StringBuilder();
        foreach (char c in name.Length > 40 ? name[..40] : name)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];
        return Path.Combine(databasePath + ".faiss", $"{safe}-{hash}.index");
    }

    private bool RescoresFromInt8 => _options.TwoStageSearch?.RescoringVectors == FaissRescoringVectors.Int8;

    private List<(long Id, float Score)> SearchIndex(IFaissVectorIndex? index, IReadOnlyCollection<long> tombstones, float[] query, int k, long[]? selector)
    {
        long count = index?.Count ?? 0;
        if (index is null || count == 0)
        {
            return [];
        }

        k = (int)Math.Min(k, count);
        var distances = new float[k];
        var labels = new long[k];
        int efSearch = Math.Max(_options.HnswEfSearch, k);
        if (selector is not null)
        {
            index.Search(query, k, distances, labels, selector, useSelector: true, exclude: false, efSearch, _options.IvfProbeCount);
        }
        else if (tombstones.Count > 0)
        {
            index.Search(query, k, distances, labels, tombstones.ToArray(), useSelector: true, exclude: true, efSearch, _options.IvfProbeCount);
        }
        else
        {
            index.Search(query, k, distances, labels, efSearch: efSearch, nprobe: _options.IvfProbeCount);
        }

        var hits = new List<(long, float)>(k);
        for (int i = 0; i < k; i++)
        {
            if (labels[i] >= 0)
            {
                hits.Add((labels[i], distances[i]));
            }
        }

        return hits;
    }

    private bool CheckIncludeVectors(bool includeVectors)
    {
        if (includeVectors && _model.EmbeddingGenerationRequired)
        {
            throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration);
        }

        return includeVectors;
    }

    private object CreateRecord() => _model.CreateRecord<TRecord>()!;

    /// <summary>Checks a generator's identity against its vector property's at its first use here (not at open: a lazily loaded generator stays unloaded).</summary>
    private void CheckGenerator(FaissVectorSlot slot, IEmbeddingGenerator generator)
        => Run("CheckEmbeddingGenerator", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.CheckGenerator(connection, slot, FaissGeneratorIdentity.Of(generator));
            return true;
        });

    private T Run<T>(string operation, Func<T> action) => FaissSqliteFailure.Run(DatabasePath, Name, operation, action);
}
