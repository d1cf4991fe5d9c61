using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.VectorData.Faiss;

namespace SkEmbeddingGemma.Extensions.Tests.Conformance;

/// <summary>
/// The MEVD conformance suite's dependency-injection scenarios for the FAISS connector: store and collection
/// registrations, keyed and unkeyed, honour their lifetime and resolve as the abstraction's types; and an
/// <see cref="IEmbeddingGenerator"/> registered in the container (non-generic, as the suite registers it) embeds a
/// text search through the store and through the collection.
/// </summary>
public sealed class DependencyInjectionConformanceTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Database => Path.Combine(_temp.Path, "store.db");

    public void Dispose() => _temp.Dispose();

    public sealed class Record
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(3)]
        public string? Embedding { get; set; }

        [VectorStoreData]
        public string? Text { get; set; }
    }

    public sealed class NativeRecord
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    /// <summary>Embeds every text as one fixed vector: a search through it finds the record stored nearest that vector.</summary>
    private sealed class FixedEmbeddingGenerator(float[] vector) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(vector))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Theory]
    [InlineData(ServiceLifetime.Singleton)]
    [InlineData(ServiceLifetime.Scoped)]
    [InlineData(ServiceLifetime.Transient)]
    public void Store_registrations_resolve_keyed_and_unkeyed_with_their_lifetime(ServiceLifetime lifetime)
    {
        var services = new ServiceCollection();
        services.AddFaissVectorStore(Database, lifetime: lifetime);
        services.AddKeyedFaissVectorStore("other", Database, lifetime: lifetime);
        using ServiceProvider provider = services.BuildServiceProvider();
        using IServiceScope scope1 = provider.CreateScope(), scope2 = provider.CreateScope();

        var store = scope1.ServiceProvider.GetRequiredService<VectorStore>();
        Assert.IsType<FaissVectorStore>(store);
        Assert.Equal(Database, ((VectorStoreMetadata)store.GetService(typeof(VectorStoreMetadata))!).VectorStoreName);
        Assert.IsType<FaissVectorStore>(scope1.ServiceProvider.GetRequiredKeyedService<VectorStore>("other"));
        Assert.Null(scope1.ServiceProvider.GetKeyedService<VectorStore>("missing"));
        AssertLifetime(lifetime, store, scope1.ServiceProvider.GetRequiredService<VectorStore>(), scope2.ServiceProvider.GetRequiredService<VectorStore>());
    }

    [Theory]
    [InlineData(ServiceLifetime.Singleton)]
    [InlineData(ServiceLifetime.Scoped)]
    [InlineData(ServiceLifetime.Transient)]
    public void Collection_registrations_resolve_keyed_and_unkeyed_with_their_lifetime(ServiceLifetime lifetime)
    {
        var services = new ServiceCollection();
        services.AddFaissCollection<int, NativeRecord>("records", Database, lifetime: lifetime);
        services.AddKeyedFaissCollection<int, NativeRecord>("other", "keyed", Database, lifetime: lifetime);
        using ServiceProvider provider = services.BuildServiceProvider();
        using IServiceScope scope1 = provider.CreateScope(), scope2 = provider.CreateScope();

        var collection = scope1.ServiceProvider.GetRequiredService<VectorStoreCollection<int, NativeRecord>>();
        Assert.Equal("records", collection.Name);
        Assert.IsType<FaissCollection<int, NativeRecord>>(scope1.ServiceProvider.GetRequiredService<IVectorSearchable<NativeRecord>>());
        Assert.Equal("keyed", scope1.ServiceProvider.GetRequiredKeyedService<VectorStoreCollection<int, NativeRecord>>("other").Name);
        AssertLifetime(
            lifetime, collection, scope1.ServiceProvider.GetRequiredService<VectorStoreCollection<int, NativeRecord>>(),
            scope2.ServiceProvider.GetRequiredService<VectorStoreCollection<int, NativeRecord>>());
    }

    [Fact]
    public async Task A_generator_registered_in_the_container_embeds_searches_through_the_store_and_the_collection()
    {
        // Stored with their own vectors, searched by text: the registered generator decides which record is found.
        using (var seeding = new FaissVectorStore(Database))
        {
            var seed = seeding.GetDynamicCollection("records", new VectorStoreCollectionDefinition
            {
                Properties =
                [
                    new VectorStoreKeyProperty("Key", typeof(int)),
                    new VectorStoreVectorProperty("Embedding", typeof(float[]), 3) { DistanceFunction = DistanceFunction.EuclideanDistance },
                    new VectorStoreDataProperty("Text", typeof(string)),
                ],
            });
            await seed.EnsureCollectionExistsAsync();
            await seed.UpsertAsync(
            [
                new Dictionary<string, object?> { ["Key"] = 1, ["Embedding"] = new float[] { 1, 1, 1 }, ["Text"] = "Store ([1, 1, 1])" },
                new Dictionary<string, object?> { ["Key"] = 2, ["Embedding"] = new float[] { 1, 1, 2 }, ["Text"] = "Other ([1, 1, 2])" },
            ]);
        }

        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreVectorProperty("Embedding", typeof(string), 3) { DistanceFunction = DistanceFunction.EuclideanDistance },
                new VectorStoreDataProperty("Text", typeof(string)),
            ],
        };
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator>(new FixedEmbeddingGenerator([1, 1, 1]));
        services.AddFaissVectorStore(Database);
        services.AddFaissCollection<int, Record>("records", Database, _ => new FaissCollectionOptions { Definition = definition });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var viaStore = provider.GetRequiredService<VectorStore>().GetCollection<int, Record>("records", definition);
        var hit = await viaStore.SearchAsync("[1, 1, 0]", top: 1).SingleAsync();
        Assert.Equal(("Store ([1, 1, 1])", 0.0), (hit.Record.Text, hit.Score!.Value));

        var viaCollection = provider.GetRequiredService<VectorStoreCollection<int, Record>>();
        Assert.Equal("Store ([1, 1, 1])", (await viaCollection.SearchAsync("[1, 1, 0]", top: 1).SingleAsync()).Record.Text);
    }

    private static void AssertLifetime(ServiceLifetime lifetime, object first, object sameScope, object otherScope)
    {
        switch (lifetime)
        {
            case ServiceLifetime.Singleton:
                Assert.Same(first, sameScope);
                Assert.Same(first, otherScope);
                break;
            case ServiceLifetime.Scoped:
                Assert.Same(first, sameScope);
                Assert.NotSame(first, otherScope);
                break;
            default:
                Assert.NotSame(first, sameScope);
                break;
        }
    }
}
