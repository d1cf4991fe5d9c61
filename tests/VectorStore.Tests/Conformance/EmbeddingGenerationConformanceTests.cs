using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// The MEVD conformance suite's embedding-generation scenarios: generators at property, collection-definition and store
/// level (the narrowest wins), string search and upsert typed and dynamic, search-only generation for a native vector
/// property, the abstraction's messages for a string without a generator, an incompatible input and IncludeVectors; and,
/// per vector property, its own generator with its own recorded identity.
/// </summary>
public sealed class EmbeddingGenerationConformanceTests : IDisposable
{
    private const string IncludeVectorsMessage = "When an embedding generator is configured, `Include Vectors` cannot be enabled.";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public sealed class Record
    {
        public int Key { get; set; }

        public string? Embedding { get; set; }

        public int Counter { get; set; }

        public string? Text { get; set; }
    }

    public sealed class RawRecord
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    public sealed class TwoGeneratorRecord
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData]
        public string? Caption { get; set; }

        [VectorStoreVector(3)]
        public string? CaptionVector => Caption;

        [VectorStoreData]
        public string? Image { get; set; }

        [VectorStoreVector(3)]
        public string? ImageVector => Image;
    }

    /// <summary>The conformance suite's fake: parses "[x, y, z]", replacing the last component to show which generator ran.</summary>
    private sealed class ParsingGenerator(int? replaceLast = null, string? modelId = null) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var results = new GeneratedEmbeddings<Embedding<float>>();
            foreach (string value in values)
            {
                float[] vector = [.. value.TrimStart('[').TrimEnd(']').Split(',').Select(s => float.Parse(s.Trim(), CultureInfo.InvariantCulture))];
                if (replaceLast is int last)
                {
                    vector[^1] = last;
                }

                results.Add(new Embedding<float>(vector));
            }

            return Task.FromResult(results);
        }

        public object? GetService(Type serviceType, object? serviceKey = null)
            => modelId is not null && serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata)
                ? new EmbeddingGeneratorMetadata("parsing", null, modelId, 3)
                : null;

        public void Dispose()
        {
        }
    }

    private static List<Record> TestData() =>
    [
        new() { Key = 1, Embedding = "[1, 1, 1]", Counter = 1, Text = "Store ([1, 1, 1])" },
        new() { Key = 2, Embedding = "[1, 1, 2]", Counter = 2, Text = "Collection ([1, 1, 2])" },
        new() { Key = 3, Embedding = "[1, 1, 3]", Counter = 3, Text = "Property ([1, 1, 3])" },
    ];

    private static VectorStoreCollectionDefinition Definition(bool collectionGenerator, bool propertyGenerator) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Key", typeof(int)),
            new VectorStoreVectorProperty("Embedding", typeof(string), 3)
            {
                DistanceFunction = DistanceFunction.EuclideanDistance,
                EmbeddingGenerator = propertyGenerator ? new ParsingGenerator(replaceLast: 3) : null,
            },
            new VectorStoreDataProperty("Counter", typeof(int)) { IsIndexed = true },
            new VectorStoreDataProperty("Text", typeof(string)),
        ],
        EmbeddingGenerator = collectionGenerator ? new ParsingGenerator(replaceLast: 2) : null,
    };

    /// <summary>Seeds the collection with the unmodified parser (each record keeps its own vector), then opens it with the generators asked for.</summary>
    private async Task<FaissCollection<int, Record>> CollectionAsync(bool storeGenerator, bool collectionGenerator, bool propertyGenerator)
    {
        using (var seeding = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = new ParsingGenerator() }))
        {
            var seed = seeding.GetCollection<int, Record>("generation", Definition(false, false));
            await seed.EnsureCollectionExistsAsync();
            await seed.UpsertAsync(TestData());
        }

        var store = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = storeGenerator ? new ParsingGenerator(replaceLast: 1) : null });
        return store.GetCollection<int, Record>("generation", Definition(collectionGenerator, propertyGenerator));
    }

    [Theory]
    [InlineData(true, true, true, "Property ([1, 1, 3])")]
    [InlineData(true, true, false, "Collection ([1, 1, 2])")]
    [InlineData(true, false, false, "Store ([1, 1, 1])")]
    public async Task Search_with_text_uses_the_narrowest_generator(bool storeGenerator, bool collectionGenerator, bool propertyGenerator, string expected)
    {
        using var collection = await CollectionAsync(storeGenerator, collectionGenerator, propertyGenerator);

        var result = await collection.SearchAsync("[1, 1, 0]", top: 1).SingleAsync();

        Assert.Equal(expected, result.Record.Text);
        Assert.Equal(0.0, result.Score!.Value, 5);
    }

    [Fact]
    public async Task Upsert_embeds_typed_and_dynamic_records_single_and_batched()
    {
        using var collection = await CollectionAsync(storeGenerator: true, collectionGenerator: true, propertyGenerator: true);
        await collection.UpsertAsync(new Record { Key = 10, Embedding = "[100, 1, 0]", Counter = 10 });
        await collection.UpsertAsync([new Record { Key = 11, Embedding = "[300, 1, 0]", Counter = 11 }, new Record { Key = 12, Embedding = "[400, 1, 0]", Counter = 12 }]);

        // The property generator replaced the last component with 3.
        Assert.Equal(10, (await collection.SearchAsync(new ReadOnlyMemory<float>([100, 1, 3]), 1).SingleAsync()).Record.Counter);
        Assert.Equal(11, (await collection.SearchAsync(new ReadOnlyMemory<float>([300, 1, 3]), 1).SingleAsync()).Record.Counter);
        Assert.Equal(12, (await collection.SearchAsync(new ReadOnlyMemory<float>([400, 1, 3]), 1).SingleAsync()).Record.Counter);

        using var store = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = new ParsingGenerator(replaceLast: 1) });
        var dynamic = store.GetDynamicCollection("generation", Definition(collectionGenerator: true, propertyGenerator: true));
        await dynamic.UpsertAsync([new Dictionary<string, object?> { ["Key"] = 20, ["Embedding"] = "[500, 1, 0]", ["Counter"] = 20, ["Text"] = "dynamic" }]);
        var hit = await dynamic.SearchAsync(new ReadOnlyMemory<float>([500, 1, 3]), 1).SingleAsync();
        Assert.Equal(20, hit.Record["Counter"]);
        Assert.Equal("dynamic", (await dynamic.SearchAsync("[500, 1, 0]", 1).SingleAsync()).Record["Text"]);
    }

    [Fact]
    public async Task A_native_vector_property_with_a_generator_is_searched_by_text()
    {
        using var store = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = new ParsingGenerator() });
        var collection = store.GetCollection<int, RawRecord>("searchonly");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync([new RawRecord { Key = 1, Embedding = new([1, 1, 1]) }, new RawRecord { Key = 2, Embedding = new([1, 1, 3]) }]);

        Assert.Equal(2, (await collection.SearchAsync("[1, 1, 3]", 1).SingleAsync()).Record.Key);

        // Native vectors come back even though a generator is configured: nothing of this property is generated.
        var stored = await collection.GetAsync(2, new() { IncludeVectors = true });
        Assert.Equal([1f, 1, 3], stored!.Embedding.ToArray());
    }

    [Fact]
    public async Task Search_failures_use_the_abstractions_messages()
    {
        using (var plain = new FaissVectorStore(_temp.Database))
        {
            var collection = plain.GetCollection<int, RawRecord>("withoutgenerator");
            await collection.EnsureCollectionExistsAsync();
            var e = await Assert.ThrowsAsync<NotSupportedException>(() => collection.SearchAsync("foo", top: 1).ToListAsync().AsTask());
            Assert.Equal(
                "A value of type 'string' was passed to 'SearchAsync', but that isn't a supported vector type by your provider and no embedding generator was configured. "
                + "The supported vector types are: ReadOnlyMemory<float>, ReadOnlyMemory<float>?, Embedding<float>, float[].",
                e.Message);
        }

        using var withGenerator = await CollectionAsync(storeGenerator: true, collectionGenerator: true, propertyGenerator: true);
        var incompatible = await Assert.ThrowsAsync<InvalidOperationException>(() => withGenerator.SearchAsync(8, top: 1).ToListAsync().AsTask());
        Assert.Equal("An input of type 'int' was provided, but an incompatible embedding generator of type 'ParsingGenerator' was configured.", incompatible.Message);
    }

    [Fact]
    public async Task IncludeVectors_with_generated_vectors_fails_with_the_abstractions_message()
    {
        using var collection = await CollectionAsync(storeGenerator: true, collectionGenerator: true, propertyGenerator: true);

        var search = await Assert.ThrowsAsync<NotSupportedException>(() => collection.SearchAsync("[1, 0, 0]", 1, new() { IncludeVectors = true }).ToListAsync().AsTask());
        var get = await Assert.ThrowsAsync<NotSupportedException>(() => collection.GetAsync(1, new() { IncludeVectors = true }));
        var getMany = await Assert.ThrowsAsync<NotSupportedException>(() => collection.GetAsync([1, 2], new() { IncludeVectors = true }).ToListAsync().AsTask());
        var filtered = await Assert.ThrowsAsync<NotSupportedException>(() => collection.GetAsync(r => r.Counter > 0, 5, new() { IncludeVectors = true }).ToListAsync().AsTask());

        Assert.All(new[] { search, get, getMany, filtered }, e => Assert.Equal(IncludeVectorsMessage, e.Message));
    }

    [Fact]
    public async Task Each_vector_property_keeps_its_own_generator_and_identity()
    {
        var captions = new ParsingGenerator(replaceLast: null, modelId: "caption-model");
        var images = new ParsingGenerator(replaceLast: 7, modelId: "image-model");
        VectorStoreCollectionDefinition Definition(IEmbeddingGenerator imageGenerator) => new()
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreDataProperty("Caption", typeof(string)),
                new VectorStoreVectorProperty("CaptionVector", typeof(string), 3) { EmbeddingGenerator = captions },
                new VectorStoreDataProperty("Image", typeof(string)),
                new VectorStoreVectorProperty("ImageVector", typeof(string), 3) { EmbeddingGenerator = imageGenerator, DistanceFunction = DistanceFunction.EuclideanDistance },
            ],
        };

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, TwoGeneratorRecord>("twogenerators", Definition(images));
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(
            [
                new TwoGeneratorRecord { Key = 1, Caption = "[1, 0, 0]", Image = "[0, 0, 0]" },
                new TwoGeneratorRecord { Key = 2, Caption = "[0, 1, 0]", Image = "[5, 5, 0]" },
            ]);

            var byCaption = await collection.SearchAsync("[0, 1, 0]", 1, new() { VectorProperty = r => r.CaptionVector }).SingleAsync();
            Assert.Equal((2, 1.0), (byCaption.Record.Key, byCaption.Score!.Value));

            // The image generator sets the last component to 7 for records and queries alike.
            var byImage = await collection.SearchAsync("[0, 0, 0]", 2, new() { VectorProperty = r => r.ImageVector }).ToListAsync();
            Assert.Equal([1, 2], byImage.Select(r => r.Record.Key));
            Assert.Equal([0.0, Math.Round(Math.Sqrt(50), 5)], byImage.Select(r => Math.Round(r.Score!.Value, 5)));
        }

        // Reopened with another model for the images: the captions still work, the images are refused by property name.
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, TwoGeneratorRecord>("twogenerators", Definition(new ParsingGenerator(replaceLast: 7, modelId: "other-image-model")));
            Assert.Equal(1, (await collection.SearchAsync("[1, 0, 0]", 1, new() { VectorProperty = r => r.CaptionVector }).SingleAsync()).Record.Key);
            var e = await Assert.ThrowsAsync<FaissCollectionMismatchException>(() =>
                collection.SearchAsync("[0, 0, 0]", 1, new() { VectorProperty = r => r.ImageVector }).ToListAsync().AsTask());
            Assert.Contains("Vector property 'ImageVector' of collection 'twogenerators'", e.Message);
            Assert.Contains("model 'image-model'", e.Message);
            Assert.Contains("model 'other-image-model'", e.Message);
        }
    }
}
