using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// An index snapshot is used only if it is the one this database recorded for this collection; a snapshot of another
/// database, an altered one or one FAISS can't use is rebuilt from SQLite, and search answers exactly every time.
/// </summary>
public sealed class SnapshotTrustTests : IDisposable
{
    private const int Dimensions = 8;
    private const int Count = 50;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreVectorProperty("Vector", typeof(float[]), Dimensions) { DistanceFunction = DistanceFunction.DotProductSimilarity },
        ],
    };

    private static List<float[]> Vectors(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Count).Select(_ => TestVectors.Random(random, Dimensions))];
    }

    private static async Task<string> CreateAsync(string database, List<float[]> vectors)
    {
        using var store = new FaissVectorStore(database);
        var collection = store.GetDynamicCollection("c", Definition());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(vectors.Select((v, i) => new Dictionary<string, object?> { ["Id"] = (long)i, ["Vector"] = v }));
        return collection.IndexPath; // written when the store is disposed
    }

    [Theory]
    [InlineData("another database")]
    [InlineData("a flipped bit")]
    [InlineData("a corrupted metric")]
    public async Task A_snapshot_that_is_not_this_databases_is_rebuilt_and_search_is_exact(string damage)
    {
        List<float[]> own = Vectors(1);
        string indexPath = await CreateAsync(_temp.Database, own);
        Assert.True(File.Exists(indexPath));
        List<float[]> expected = own;
        if (damage == "another database")
        {
            // Same collection, same keys, other vectors: copied over this store's file, beside this store's snapshot folder.
            string otherDatabase = _temp.File("other.db");
            expected = Vectors(2);
            await CreateAsync(otherDatabase, expected);
            SqliteConnection.ClearAllPools();
            File.Copy(otherDatabase, _temp.Database, overwrite: true);
        }
        else
        {
            byte[] bytes = File.ReadAllBytes(indexPath);
            int flat = IndexOf(bytes, "IxFI"); // the flat index inside IDMap: fourcc, d, ntotal, two dummies, is_trained, metric
            Assert.True(flat > 0);
            if (damage == "a flipped bit")
            {
                bytes[flat + 33 + 4 + 8 + (5 * Dimensions * 4) + 3] ^= 0x40; // the exponent of one stored float
            }
            else
            {
                BitConverter.GetBytes(1).CopyTo(bytes, flat + 33); // METRIC_L2 in an inner-product index
            }

            File.WriteAllBytes(indexPath, bytes);
        }

        for (int open = 0; open < 2; open++)
        {
            // Twice: the rebuilt index (saved again on dispose) is trusted on the next open, never a lasting failure.
            using var store = new FaissVectorStore(_temp.Database);
            var collection = store.GetDynamicCollection("c", Definition());
            float[] query = TestVectors.Random(new Random(99), Dimensions);
            var hits = await collection.SearchAsync(query, Count).ToListAsync();
            var reference = expected.Select((v, i) => (Id: (long)i, Score: TestVectors.Dot(query, v))).OrderByDescending(s => s.Score).ToList();
            Assert.Equal(reference.Select(r => r.Id), hits.Select(h => (long)h.Record["Id"]!));
            Assert.All(reference.Zip(hits), p => Assert.Equal(p.First.Score, p.Second.Score!.Value, 4));
        }
    }

    private static int IndexOf(byte[] bytes, string fourcc)
    {
        byte[] pattern = Encoding.ASCII.GetBytes(fourcc);
        for (int i = 0; i + pattern.Length <= bytes.Length; i++)
        {
            if (bytes.AsSpan(i, pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }

        return -1;
    }
}
