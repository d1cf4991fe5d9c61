using System.Collections;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>Bit vector properties (<see cref="BinaryEmbedding"/>, <see cref="BitArray"/>) searched by Hamming distance in FAISS binary indexes.</summary>
public sealed class HammingDistanceTests : IDisposable
{
    private const int Bits = 64;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public sealed class Doc
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Group { get; set; }

        [VectorStoreVector(Bits, DistanceFunction = DistanceFunction.HammingDistance)]
        public BinaryEmbedding? Vector { get; set; }
    }

    public sealed class HnswDoc
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreVector(Bits, DistanceFunction = DistanceFunction.HammingDistance, IndexKind = IndexKind.Hnsw)]
        public BitArray? Vector { get; set; }
    }

    private static List<BitArray> RandomBits(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var bits = new BitArray(Bits);
            for (int i = 0; i < Bits; i++)
            {
                bits[i] = random.Next(2) == 1;
            }

            return bits;
        }).ToList();
    }

    private static int Hamming(BitArray a, BitArray b)
    {
        int d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d += a[i] != b[i] ? 1 : 0;
        }

        return d;
    }

    private async Task<(FaissCollection<long, Doc> Collection, List<BitArray> Bits)> CreateAsync(string name, int count = 300)
    {
        var collection = new FaissCollection<long, Doc>(_temp.Database, name);
        await collection.EnsureCollectionExistsAsync();
        List<BitArray> bits = RandomBits(count, 3);
        await collection.UpsertAsync(bits.Select((b, i) => new Doc { Id = i, Group = i % 4, Vector = new BinaryEmbedding(b) }));
        return (collection, bits);
    }

    [Fact]
    public async Task Flat_search_returns_exact_hamming_distances_lowest_first()
    {
        var (collection, bits) = await CreateAsync("flat");
        using (collection)
        {
            BitArray query = RandomBits(1, 99)[0];
            List<int> expected = bits.Select(b => Hamming(query, b)).Order().Take(10).ToList();

            var results = await collection.SearchAsync(new BinaryEmbedding(query), 10).ToListAsync();
            Assert.Equal(expected, results.Select(r => (int)r.Score!.Value));
            Assert.All(results, r => Assert.Equal(Hamming(query, bits[(int)r.Record.Id]), (int)r.Score!.Value));

            // Distances: a threshold keeps the results at or below it.
            var close = await collection.SearchAsync(new BinaryEmbedding(query), 10, new() { ScoreThreshold = expected[3] }).ToListAsync();
            Assert.All(close, r => Assert.True(r.Score <= expected[3]));
            Assert.InRange(close.Count, 4, 10);
        }
    }

    [Fact]
    public async Task Bits_round_trip_through_sqlite_and_the_snapshot()
    {
        BitArray query = RandomBits(1, 42)[0];
        List<long> before;
        var (collection, bits) = await CreateAsync("round");
        using (collection)
        {
            Doc? read = await collection.GetAsync(17, new() { IncludeVectors = true });
            Assert.Equal(bits[17].Cast<bool>(), read!.Vector!.Vector.Cast<bool>());
            before = await collection.SearchAsync(new BinaryEmbedding(query), 5).Select(r => r.Record.Id).ToListAsync();
            await collection.SaveIndexAsync();
            Assert.True(File.Exists(collection.IndexPath));
        }

        using var reopened = new FaissCollection<long, Doc>(_temp.Database, "round");
        Assert.Equal(before, await reopened.SearchAsync(new BinaryEmbedding(query), 5).Select(r => r.Record.Id).ToListAsync());
        await reopened.DeleteAsync(before[0]);
        Assert.DoesNotContain(before[0], await reopened.SearchAsync(new BinaryEmbedding(query), 5).Select(r => r.Record.Id).ToListAsync());
    }

    [Fact]
    public async Task Filters_select_within_the_binary_index()
    {
        var (collection, bits) = await CreateAsync("filter");
        using (collection)
        {
            BitArray query = RandomBits(1, 7)[0];
            var expected = bits.Select((b, i) => (Id: i, D: Hamming(query, b))).Where(x => x.Id % 4 == 2).Select(x => x.D).Order().Take(5);
            var results = await collection.SearchAsync(new BinaryEmbedding(query), 5, new() { Filter = d => d.Group == 2 }).ToListAsync();
            Assert.Equal(expected, results.Select(r => (int)r.Score!.Value));
            Assert.All(results, r => Assert.Equal(2, r.Record.Group));
        }
    }

    [Fact]
    public async Task Hnsw_bit_arrays_find_a_stored_vector_at_distance_zero()
    {
        using var collection = new FaissCollection<long, HnswDoc>(_temp.Database, "hnsw");
        await collection.EnsureCollectionExistsAsync();
        List<BitArray> bits = RandomBits(500, 4);
        await collection.UpsertAsync(bits.Select((b, i) => new HnswDoc { Id = i, Vector = b }));
        for (int i = 0; i < 500; i += 50)
        {
            var first = await collection.SearchAsync(bits[i], 1).FirstAsync();
            Assert.Equal(i, first.Record.Id);
            Assert.Equal(0, first.Score);
        }
    }

    [Fact]
    public async Task A_binary_generator_embeds_text_into_a_hamming_property()
    {
        var floats = new FakeEmbeddingGenerator(Bits);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(long)),
                new VectorStoreVectorProperty("Text", typeof(string), Bits) { DistanceFunction = DistanceFunction.HammingDistance },
            ],
        };
        using var store = new FaissVectorStore(_temp.Database, new() { EmbeddingGenerator = floats.AsBinaryEmbeddingGenerator() });
        var collection = store.GetDynamicCollection("text", definition);
        await collection.EnsureCollectionExistsAsync();
        string[] texts = ["the red planet Mars", "a recipe for bread", "stock markets fell", "the ocean is deep"];
        await collection.UpsertAsync(texts.Select((t, i) => new Dictionary<string, object?> { ["Id"] = (long)i, ["Text"] = t }));

        var first = await collection.SearchAsync("a recipe for bread", 1).FirstAsync();
        Assert.Equal(1L, first.Record["Id"]);
        Assert.Equal(0, first.Score);
    }

    [Fact]
    public void Mismatched_types_and_distances_are_refused_naming_the_property()
    {
        VectorStoreCollectionDefinition Definition(Type type, string distance, int dimensions = Bits) => new()
        {
            Properties = [new VectorStoreKeyProperty("Id", typeof(long)), new VectorStoreVectorProperty("V", type, dimensions) { DistanceFunction = distance }],
        };
        using var store = new FaissVectorStore(_temp.Database);
        Assert.Contains("needs bit vectors", Assert.Throws<NotSupportedException>(() => store.GetDynamicCollection("a", Definition(typeof(float[]), DistanceFunction.HammingDistance))).Message);
        Assert.Contains("holds bits", Assert.Throws<NotSupportedException>(() => store.GetDynamicCollection("b", Definition(typeof(BinaryEmbedding), DistanceFunction.CosineSimilarity))).Message);
        Assert.Contains("multiple of 8", Assert.Throws<NotSupportedException>(() => store.GetDynamicCollection("c", Definition(typeof(BitArray), DistanceFunction.HammingDistance, 12))).Message);
    }
}
