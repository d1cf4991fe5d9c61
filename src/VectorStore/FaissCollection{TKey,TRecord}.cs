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
/// A collection of records stored in SQLite (the source of truth, one table per collection) and searched with a FAISS
/// index derived from it (snapshotted beside the database, reconciled or rebuilt on open).
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
/// collection's first embedding (checked at this instance's first embedding, not at open).</para>
/// <para>String-typed vector properties are embedded with the configured generator, one call per upsert batch, passing
/// <see cref="EmbeddingGemmaPropertyNames.PromptName"/> = <c>document</c> and one <see cref="EmbeddingGemmaPropertyNames.Title"/> per record;
/// searching with a string passes <c>query</c>. Generators other than EmbeddingGemma ignore these keys.</para>
/// </remarks>
#pragma warning disable CA1711 // Identifiers should not have incorrect suffix: "Collection" is the MEVD naming convention.
public sealed class FaissCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
#pragma warning restore CA1711
    where TKey : notnull
    where TRecord : class
{
    private static readonly VectorSearchOptions<TRecord> s_defaultSearchOptions = new();

    private readonly CollectionModel _model;
    private readonly FaissCollectionOptions _options;
    private readonly FaissRecordTable _table;
    private readonly FaissIndexState _state;
    private readonly FaissIndexPlan _plan;
    private readonly VectorStoreCollectionMetadata _metadata;
    private readonly PropertyModel? _titleProperty;
    private readonly string _distance;
    private readonly string _indexKind;

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
        VectorPropertyModel vector = _model.VectorProperty;
        FaissModelBuilder.ValidateVectorProperty(vector);
        if (_options.TitleProperty is string title)
        {
            _titleProperty = _model.DataProperties.FirstOrDefault(p => p.ModelName == title && p.Type == typeof(string))
                ?? throw new ArgumentException($"Title property '{title}' is not a string data property of the record.", nameof(options));
        }

        Name = name;
        DatabasePath = databasePath;
        _distance = vector.DistanceFunction ?? DistanceFunction.DotProductSimilarity;
        _indexKind = vector.IndexKind ?? IndexKind.Flat;
        _table = new FaissRecordTable(databasePath, name, _model, _distance, _indexKind);
        IndexPath = IndexPathFor(databasePath, name);
        _plan = new FaissIndexPlan(vector.Dimensions, _distance, _indexKind, _options, _distance == DistanceFunction.HammingDistance, vector.ModelName);
        _state = new FaissIndexState(_table, IndexPath, vector.Dimensions, _distance, _plan, _options);
        _metadata = new() { VectorStoreSystemName = FaissConstants.VectorStoreSystemName, VectorStoreName = databasePath, CollectionName = name };
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Gets the SQLite database file holding the records.</summary>
    public string DatabasePath { get; }

    /// <summary>Gets the FAISS index snapshot file (readable by any FAISS, e.g. Python's <c>faiss.read_index</c>; its ids are internal row ids).</summary>
    public string IndexPath { get; }

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
                _state.Reset();
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
            _state.Write(connection, transaction => (_table.DeleteKeys(connection, transaction, keyList), [], []));
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

        IReadOnlyList<float[]> vectors = await GetRecordVectorsAsync(list, cancellationToken).ConfigureAwait(false);
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
        var batchVectors = indexes.Select(i => vectors[i]).ToList();
        Run("Upsert", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            _state.Write(connection, transaction =>
            {
                List<long> removed = _table.DeleteKeys(connection, transaction, latest.Keys);
                long[] added = _table.Insert(connection, transaction, batch, batchVectors);
                return (removed, added, batchVectors);
            });
            return true;
        });
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="searchValue"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is less than 1, or <c>Skip</c> is negative.</exception>
    /// <exception cref="NotSupportedException">The filter uses an unsupported construct, the input type can't be embedded, or vectors were requested for generated embeddings.</exception>
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
        VectorPropertyModel vectorProperty = _model.GetVectorPropertyOrSingle(options);
        (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)? filter =
            options.Filter is null ? null : FaissFilterTranslator.Translate(options.Filter, _model);

        Run("Search", () =>
        {
            // Refuse a mismatched definition before embedding the query.
            using SqliteConnection connection = _table.Open();
            return _table.Guard.Verify(connection);
        });
        float[] query = await GetQueryVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);
        CheckDimensions(query, "search vector");
        if (_state.Normalize)
        {
            FaissSearchMapping.NormalizeInPlace(query);
        }

        int k = checked(top + options.Skip);
        int candidates = _plan.Rescores ? checked(k * _options.TwoStageSearch!.CandidateMultiplier) : k;
        List<(long Id, float Score)> hits = Run("Search", () =>
        {
            using SqliteConnection connection = _table.Open();
            FaissCollectionRow row = _table.Guard.Verify(connection);
            long[]? selector = filter is { } f ? _table.FilterIds(connection, f.Sql, f.Parameters) : null;
            List<(long Id, float Score)> found = selector is { Length: 0 }
                ? []
                : _state.Read(connection, row, (index, tombstones) => SearchIndex(index, tombstones, query, candidates, selector));
            return _plan.Rescores && found.Count > 0
                ? FaissRescoring.Rescore(_table.VectorsByIds(connection, found.ConvertAll(h => h.Id)), query, k, _distance)
                : found;
        });

        var page = hits.Where(h => FaissSearchMapping.PassesThreshold(h.Score, options.ScoreThreshold, _distance)).Skip(options.Skip).Take(top).ToList();
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
        foreach ((long id, float score) in page)
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
            _state.Save(connection, force: true);
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
            _state.Rebuild(connection);
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
            _state.Dispose();
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

    private async Task<IReadOnlyList<float[]>> GetRecordVectorsAsync(List<TRecord> records, CancellationToken cancellationToken)
    {
        VectorPropertyModel property = _model.VectorProperty;
        var vectors = new float[records.Count][];
        if (FaissModelBuilder.IsNativeVectorType(property.Type) || FaissBinaryVectors.IsBinaryType(property.Type))
        {
            for (int i = 0; i < records.Count; i++)
            {
                vectors[i] = property.GetValueAsObject(records[i]) switch
                {
                    ReadOnlyMemory<float> m => m.ToArray(),
                    float[] a => a,
                    Embedding<float> e => e.Vector.ToArray(),
                    var bits when FaissBinaryVectors.ToSigns(bits) is float[] signs => signs,
                    _ => throw new ArgumentException($"Record {i} has no vector in '{property.ModelName}'.", nameof(records)),
                };
                CheckDimensions(vectors[i], $"vector of record {i}");
            }

            return vectors;
        }

        var inputs = records.Select(r => property.GetValueAsObject(r)
            ?? throw new ArgumentException($"A record has no value in '{property.ModelName}' to embed.", nameof(records))).ToList();
        CheckGenerator(property);
        IReadOnlyList<Embedding> embeddings;
        if (property.EmbeddingGenerator is IEmbeddingGenerator<string, Embedding<float>> generator && inputs.All(v => v is string))
        {
            // One generator call per batch, with EmbeddingGemma's document prompt and one title per record.
            var titles = records.Select(r => _titleProperty?.GetValueAsObject(r) as string is { Length: > 0 } t ? t : FaissConstants.NoTitle).ToList();
            var generationOptions = new EmbeddingGenerationOptions
            {
                AdditionalProperties = new()
                {
                    [EmbeddingGemmaPropertyNames.PromptName] = FaissConstants.DocumentPrompt,
                    [EmbeddingGemmaPropertyNames.Title] = titles,
                },
            };
            embeddings = await generator.GenerateAsync(inputs.Cast<string>(), generationOptions, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            embeddings = await property.GenerateEmbeddingsAsync(inputs, cancellationToken).ConfigureAwait(false);
        }

        if (embeddings.Count != records.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {records.Count} inputs.");
        }

        for (int i = 0; i < records.Count; i++)
        {
            vectors[i] = embeddings[i] is Embedding<float> e ? e.Vector.ToArray()
                : FaissBinaryVectors.ToSigns(embeddings[i]) ?? throw new InvalidOperationException($"The embedding generator returned {embeddings[i].GetType().Name}; the FAISS connector needs Embedding<float>.");
            CheckDimensions(vectors[i], $"embedding of record {i}");
        }

        return vectors;
    }

    private async Task<float[]> GetQueryVectorAsync<TInput>(TInput searchValue, VectorPropertyModel property, CancellationToken cancellationToken)
        where TInput : notnull
    {
        switch (searchValue)
        {
            case ReadOnlyMemory<float> memory:
                return memory.ToArray();
            case float[] array:
                return (float[])array.Clone();
            case Embedding<float> embedding:
                return embedding.Vector.ToArray();
            case BinaryEmbedding or System.Collections.BitArray when _distance == DistanceFunction.HammingDistance:
                return FaissBinaryVectors.ToSigns(searchValue)!;
            case string text when property.EmbeddingGenerator is IEmbeddingGenerator<string, Embedding<float>> generator:
                CheckGenerator(property);
                var generationOptions = new EmbeddingGenerationOptions
                {
                    AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = FaissConstants.QueryPrompt },
                };
                GeneratedEmbeddings<Embedding<float>> generated =
                    await generator.GenerateAsync([text], generationOptions, cancellationToken).ConfigureAwait(false);
                return generated[0].Vector.ToArray();
            case var _ when property.EmbeddingGenerationDispatcher is not null:
                CheckGenerator(property);
                Embedding result = await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false);
                return result is Embedding<float> floats ? floats.Vector.ToArray()
                    : FaissBinaryVectors.ToSigns(result) ?? throw new InvalidOperationException($"The embedding generator returned {result.GetType().Name}; the FAISS connector needs Embedding<float>.");
            default:
                throw new NotSupportedException(
                    $"Search input of type '{typeof(TInput).Name}' is not supported: pass {FaissModelBuilder.SupportedVectorTypes}, or configure an embedding generator for it.");
        }
    }

    private void CheckDimensions(float[] vector, string what)
    {
        if (vector.Length != _model.VectorProperty.Dimensions)
        {
            throw new ArgumentException(
                $"The {what} has {vector.Length} dimensions; vector property '{_model.VectorProperty.ModelName}' has {_model.VectorProperty.Dimensions}.");
        }
    }

    private bool CheckIncludeVectors(bool includeVectors)
    {
        if (includeVectors && _model.EmbeddingGenerationRequired)
        {
            throw new NotSupportedException("IncludeVectors is not supported when the vector property is generated by an embedding generator.");
        }

        return includeVectors;
    }

    private object CreateRecord() => _model.CreateRecord<TRecord>()!;

    /// <summary>Checks the generator's identity against the collection's at its first use here (not at open: a lazily loaded generator stays unloaded).</summary>
    private void CheckGenerator(VectorPropertyModel property)
    {
        if (property.EmbeddingGenerator is IEmbeddingGenerator generator)
        {
            Run("CheckEmbeddingGenerator", () =>
            {
                using SqliteConnection connection = _table.Open();
                _table.Guard.CheckGenerator(connection, FaissGeneratorIdentity.Of(generator));
                return true;
            });
        }
    }

    private T Run<T>(string operation, Func<T> action) => FaissSqliteFailure.Run(DatabasePath, Name, operation, action);
}
