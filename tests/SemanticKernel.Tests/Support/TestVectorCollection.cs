using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>An in-memory collection: cosine similarity, one batched generator call per upsert, as real connectors do.</summary>
public sealed class TestVectorCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly ConcurrentDictionary<TKey, (TRecord Record, ReadOnlyMemory<float> Vector)> _records = new();
    private readonly CollectionModel _model;
    private bool _exists;

    public TestVectorCollection(string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? generator)
    {
        Name = name;
        _model = new TestModelBuilder().Build(typeof(TRecord), typeof(TKey), definition, generator);
    }

    public override string Name { get; }

    public int Count => _records.Count;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_exists);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        _exists = true;
        return Task.CompletedTask;
    }

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _exists = false;
        _records.Clear();
        return Task.CompletedTask;
    }

    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(key, out var entry) ? entry.Record : null);

    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        Func<TRecord, bool> predicate = filter.Compile();
        foreach (var entry in _records.Values.Select(e => e.Record).Where(predicate).Take(top))
        {
            yield return entry;
        }
    }

    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        _records.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        List<TRecord> list = records.ToList();
        VectorPropertyModel vectorProperty = _model.VectorProperty;
        IReadOnlyList<ReadOnlyMemory<float>> vectors;
        if (vectorProperty.EmbeddingGenerationDispatcher is not null && !IsVector(vectorProperty.Type))
        {
            IReadOnlyList<Embedding> embeddings = await vectorProperty.GenerateEmbeddingsAsync(list.Select(vectorProperty.GetValueAsObject), cancellationToken);
            vectors = embeddings.Select(e => ((Embedding<float>)e).Vector).ToList();
        }
        else
        {
            vectors = list.Select(r => ToVector(vectorProperty.GetValueAsObject(r))).ToList();
        }

        for (int i = 0; i < list.Count; i++)
        {
            var key = (TKey)_model.KeyProperty.GetValueAsObject(list[i])!;
            _records[key] = (list[i], vectors[i]);
        }
    }

    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new VectorSearchOptions<TRecord>();
        VectorPropertyModel vectorProperty = _model.GetVectorPropertyOrSingle(options);
        ReadOnlyMemory<float> query = searchValue switch
        {
            ReadOnlyMemory<float> or float[] or Embedding<float> => ToVector(searchValue),
            _ => ((Embedding<float>)await vectorProperty.GenerateEmbeddingAsync(searchValue, cancellationToken)).Vector,
        };

        Func<TRecord, bool> predicate = options.Filter is { } filter ? filter.Compile() : _ => true;
        var ranked = _records.Values
            .Where(e => predicate(e.Record))
            .Select(e => new VectorSearchResult<TRecord>(e.Record, TensorPrimitives.CosineSimilarity(query.Span, e.Vector.Span)))
            .OrderByDescending(r => r.Score)
            .Skip(options.Skip)
            .Take(top)
            .ToList();
        foreach (var result in ranked)
        {
            yield return result;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    private static bool IsVector(Type type) =>
        type == typeof(ReadOnlyMemory<float>) || type == typeof(ReadOnlyMemory<float>?) || type == typeof(float[]) || type == typeof(Embedding<float>);

    private static ReadOnlyMemory<float> ToVector(object? value) => value switch
    {
        ReadOnlyMemory<float> m => m,
        float[] a => a,
        Embedding<float> e => e.Vector,
        _ => throw new NotSupportedException($"Unsupported vector {value?.GetType()}."),
    };

    private sealed class TestModelBuilder() : CollectionModelBuilder(new CollectionModelBuildingOptions { SupportsMultipleVectors = false, RequiresAtLeastOneVector = true })
    {
        protected override bool IsDataPropertyTypeValid(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? supportedTypes)
        {
            supportedTypes = "any";
            return true;
        }

        protected override bool IsVectorPropertyTypeValid(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? supportedTypes)
        {
            supportedTypes = "ReadOnlyMemory<float>, float[], Embedding<float>";
            return IsVector(type);
        }
    }
}
