using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>
/// A minimal in-memory VectorData store (no InMemory connector is served to this project) with store-level embedding
/// generation, enough for Semantic Kernel's TextSearchStore and VectorStoreTextSearch.
/// </summary>
public sealed class TestVectorStore(IEmbeddingGenerator? embeddingGenerator = null) : VectorStore
{
    private readonly ConcurrentDictionary<string, object> _collections = new();

    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        (VectorStoreCollection<TKey, TRecord>)_collections.GetOrAdd(name, n => new TestVectorCollection<TKey, TRecord>(n, definition, embeddingGenerator));

    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition) =>
        throw new NotSupportedException();

    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (string name in _collections.Keys)
        {
            yield return name;
        }
    }

    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_collections.ContainsKey(name));

    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        _collections.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
}
