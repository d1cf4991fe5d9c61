using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// <see cref="FaissCollectionOptions.IvfListsOnDisk"/> through the public connector API: the same answers as an
/// in-memory IVF, lists in files beside the store, snapshots mapped on reopen, deletes, overwrites and filters.
/// </summary>
public sealed class OnDiskIvfCollectionTests : IDisposable
{
    private const int Dimensions = 32;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition(int dimensions = Dimensions, string indexKind = IndexKind.IvfFlat) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Group", typeof(int)) { IsIndexed = true },
            new VectorStoreVectorProperty("Vector", typeof(float[]), dimensions) { IndexKind = indexKind },
        ],
    };

    private static FaissVectorStore Store(string database, bool onDisk, int lists = 16, int probes = 4)
        => new(database, new FaissVectorStoreOptions
        {
            CollectionDefaults = new FaissCollectionOptions { IvfListsOnDisk = onDisk, IvfListCount = lists, IvfProbeCount = probes },
        });

    private static Dictionary<string, object?> Record(long id, float[] vector) => new() { ["Id"] = id, ["Group"] = (int)(id % 5), ["Vector"] = vector };

    private static List<float[]> Vectors(int count, int seed = 3, int dimensions = Dimensions)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => TestVectors.Random(random, dimensions, normalize: true))];
    }

    /// <summary>Writes the first 1000 vectors (the IVF trains on them), then the rest in batches of 250.</summary>
    private static async Task<FaissCollection<object, Dictionary<string, object?>>> FillAsync(FaissVectorStore store, List<float[]> vectors)
    {
        var collection = store.GetDynamicCollection("docs", Definition());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(vectors.Take(1000).Select((v, i) => Record(i, v)));
        for (int start = 1000; start < vectors.Count; start += 250)
        {
            await collection.UpsertAsync(vectors.Skip(start).Take(250).Select((v, i) => Record(start + i, v)));
        }

        return collection;
    }

    private static async Task<List<(long Id, double Score)>> TopAsync(
        FaissCollection<object, Dictionary<string, object?>> collection, float[] query, int top = 10, bool filtered = false)
    {
        var options = new VectorSearchOptions<Dictionary<string, object?>> { Filter = filtered ? r => (int)r["Group"]! == 2 : null };
        return [.. (await collection.SearchAsync(query, top, options).ToListAsync()).Select(r => ((long)r.Record["Id"]!, r.Score!.Value))];
    }

    private string[] WorkingFiles() => Directory.GetFiles(_temp.Path, "*.ivflists", SearchOption.AllDirectories);

    [Fact]
    public async Task On_disk_ivf_built_in_batches_answers_exactly_as_the_in_memory_ivf_of_the_same_training()
    {
        List<float[]> vectors = Vectors(3000);
        float[][] queries = [.. Vectors(12, seed: 99)];
        using FaissVectorStore memoryStore = Store(_temp.File("memory.db"), onDisk: false);
        using FaissVectorStore diskStore = Store(_temp.File("disk.db"), onDisk: true);
        var memory = await FillAsync(memoryStore, vectors);
        var disk = await FillAsync(diskStore, vectors);

        int differsFromExact = 0;
        foreach (float[] query in queries)
        {
            var expected = await TopAsync(memory, query);
            var actual = await TopAsync(disk, query);
            Assert.Equal(expected.Select(r => r.Id), actual.Select(r => r.Id));
            Assert.Equal(expected.Select(r => r.Score), actual.Select(r => r.Score), (a, b) => Math.Abs(a - b) < 1e-5);

            var filtered = await TopAsync(disk, query, filtered: true);
            Assert.Equal((await TopAsync(memory, query, filtered: true)).Select(r => r.Id), filtered.Select(r => r.Id));
            Assert.All(filtered, r => Assert.Equal(2, r.Id % 5));

            // 4 of 16 lists probed: approximate, so (unlike a flat index) some top-10 differ from the exact ones.
            var exact = vectors.Select((v, i) => (Id: (long)i, Score: TestVectors.Dot(query, v))).OrderByDescending(s => s.Score).Take(10);
            differsFromExact += exact.Select(e => e.Id).Except(actual.Select(r => r.Id)).Count();
        }

        Assert.True(differsFromExact > 0, "the comparison is of two IVF searches, not of two exact ones");

        // The lists are in a file beside the store (3000 codes of 32 floats and their ids), not in the index snapshot.
        string working = Assert.Single(WorkingFiles());
        Assert.StartsWith(Path.GetFileName(disk.IndexPath) + ".", Path.GetFileName(working), StringComparison.Ordinal);
        Assert.True(new FileInfo(working).Length >= 3000L * ((Dimensions * sizeof(float)) + sizeof(long)), $"{new FileInfo(working).Length} bytes");
    }

    [Fact]
    public async Task Reopened_collection_maps_its_snapshot_and_takes_deletes_overwrites_and_filters()
    {
        List<float[]> vectors = Vectors(2000, seed: 4);
        float[][] queries = [.. Vectors(8, seed: 98)];
        var before = new List<List<(long Id, double Score)>>();
        string indexPath;
        using (FaissVectorStore store = Store(_temp.Database, onDisk: true))
        {
            var collection = await FillAsync(store, vectors);
            indexPath = collection.IndexPath;
            foreach (float[] query in queries)
            {
                before.Add(await TopAsync(collection, query));
            }
        }

        // Dispose wrote the snapshot (lists inline) and deleted the working lists file.
        Assert.Empty(WorkingFiles());
        Assert.True(new FileInfo(indexPath).Length >= 2000L * Dimensions * sizeof(float), $"{new FileInfo(indexPath).Length} bytes");

        using (FaissVectorStore store = Store(_temp.Database, onDisk: true))
        {
            var collection = store.GetDynamicCollection("docs", Definition());
            for (int q = 0; q < queries.Length; q++)
            {
                Assert.Equal(before[q], await TopAsync(collection, queries[q]));
            }

            // Searching maps the snapshot read-only: nothing copied yet.
            Assert.Empty(WorkingFiles());

            long deleted = before[0][0].Id;
            long overwritten = before[1][0].Id;
            float[] moved = queries[2];
            await collection.DeleteAsync(deleted);
            await collection.UpsertAsync(Record(overwritten, moved));
            Assert.Single(WorkingFiles());

            Assert.DoesNotContain(deleted, (await TopAsync(collection, queries[0], top: 50)).Select(r => r.Id));
            var hit = (await TopAsync(collection, moved, top: 1)).Single();
            Assert.Equal(overwritten, hit.Id);
            Assert.Equal(1.0, hit.Score, 5);
            Assert.DoesNotContain(overwritten, (await TopAsync(collection, queries[1], top: 50)).Select(r => r.Id));
            Assert.All(await TopAsync(collection, queries[3], top: 20, filtered: true), r => Assert.Equal(2, r.Id % 5));
        }

        using (FaissVectorStore store = Store(_temp.Database, onDisk: true))
        {
            var collection = store.GetDynamicCollection("docs", Definition());
            Assert.Equal(before[1][0].Id, (await TopAsync(collection, queries[2], top: 1)).Single().Id);
            Assert.DoesNotContain(before[0][0].Id, (await TopAsync(collection, queries[0], top: 50)).Select(r => r.Id));
            Assert.Equal(1999, (await collection.GetAsync(r => true, 5000).ToListAsync()).Count);
        }
    }

    [Fact]
    public async Task A_large_ivf_rebuilt_from_sqlite_trains_once_on_a_full_sample_rather_than_at_every_write()
    {
        // One vector first (one list), then 20,000: the next use rebuilds from SQLite. That rebuild trained on its first
        // 4,096-vector chunk only (105 lists of the 1,024 asked for), so every later write, finding a small training
        // set outgrown fourfold, rebuilt the whole index again. Each rebuild of an on-disk IVF has a new lists file.
        List<float[]> vectors = Vectors(20_001, seed: 6, dimensions: 8);
        using FaissVectorStore store = new(_temp.Database, new FaissVectorStoreOptions { CollectionDefaults = new FaissCollectionOptions { IvfListsOnDisk = true } });
        var collection = store.GetDynamicCollection("docs", Definition(dimensions: 8));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Record(0, vectors[0]));
        await collection.UpsertAsync(vectors.Skip(1).Select((v, i) => Record(i + 1, v)));
        Assert.Equal(7L, (await TopAsync(collection, vectors[7], top: 1)).Single().Id);
        string rebuilt = Assert.Single(WorkingFiles());

        await collection.UpsertAsync(Record(20_001, vectors[9]));
        await collection.DeleteAsync(3L);
        Assert.Equal(9L, (await TopAsync(collection, vectors[9], top: 2)).Select(r => r.Id).Min());
        Assert.Equal(rebuilt, Assert.Single(WorkingFiles()));
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_option_or_property()
    {
        var options = new FaissCollectionOptions();
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => options.IvfProbeCount = 0).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => options.IvfListCount = -1).ParamName);
        Assert.Equal(16, options.IvfProbeCount);

        using var flat = new FaissVectorStore(_temp.Database, new FaissVectorStoreOptions { CollectionDefaults = new FaissCollectionOptions { IvfListsOnDisk = true } });
        var notIvf = Assert.Throws<NotSupportedException>(() => flat.GetDynamicCollection("flat", Definition(indexKind: IndexKind.Flat)));
        Assert.Contains("IvfListsOnDisk", notIvf.Message, StringComparison.Ordinal);
        Assert.Contains("'Vector'", notIvf.Message, StringComparison.Ordinal);

        using var twoStage = new FaissVectorStore(_temp.Database, new FaissVectorStoreOptions
        {
            CollectionDefaults = new FaissCollectionOptions { IvfListsOnDisk = true, TwoStageSearch = new() },
        });
        Assert.Contains("TwoStageSearch", Assert.Throws<NotSupportedException>(() => twoStage.GetDynamicCollection("ivf", Definition())).Message, StringComparison.Ordinal);
    }
}
