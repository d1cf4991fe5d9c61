using System.Diagnostics;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>As VectorStore.CrashHelper reads it: IvfFlat with <see cref="FaissCollectionOptions.IvfListsOnDisk"/>.</summary>
    private const string IvfFlatOnDisk = "IvfFlatOnDisk";

    private static VectorStoreCollectionDefinition Definition(string indexKind, bool twoVectors = false) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Text", typeof(string)),
            new VectorStoreVectorProperty("Vector", typeof(float[]), 8) { IndexKind = indexKind == IvfFlatOnDisk ? IndexKind.IvfFlat : indexKind },

            // As VectorStore.CrashHelper's two-vectors mode writes it: the vector reversed.
            .. twoVectors ? [new VectorStoreVectorProperty("Vector2", typeof(float[]), 8) { DistanceFunction = DistanceFunction.EuclideanDistance }] : Array.Empty<VectorStoreProperty>(),
        ],
    };

    private static Dictionary<string, object?> Record(long id) => new()
    {
        ["Id"] = id,
        ["Text"] = $"record {id}",
        ["Vector"] = Vector(id),
    };

    /// <summary>The same vector VectorStore.CrashHelper writes for an id.</summary>
    private static float[] Vector(long id)
    {
        var random = new Random((int)id);
        return Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(IndexKind.Flat)]
    [InlineData(IndexKind.Hnsw)]
    [InlineData(IndexKind.IvfFlat)]
    [InlineData(IndexKind.QuantizedFlat)]
    public async Task Records_and_index_survive_reopen_and_reconcile_with_changes_made_elsewhere(string indexKind)
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("c", Definition(indexKind));
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(Enumerable.Range(0, 300).Select(i => Record(i)));
            await collection.DeleteAsync([5L, 6L]);
        }

        using var reopened = new FaissVectorStore(_temp.Database);
        var a = reopened.GetDynamicCollection("c", Definition(indexKind));
        Assert.True(File.Exists(a.IndexPath));
        var first = await a.SearchAsync((float[])Record(7)["Vector"]!, 3).ToListAsync();
        Assert.Equal(7L, first[0].Record["Id"]);
        Assert.Null(await a.GetAsync(5L));

        // A second instance (as another process would) writes; the first one reconciles on its next search.
        using (var other = new FaissCollection<object, Dictionary<string, object?>>(
            _temp.Database, "c", new() { Definition = Definition(indexKind) },
            o => new FaissModelBuilder().BuildDynamic(o.Definition!, null)))
        {
            await other.DeleteAsync(7L);
            await other.UpsertAsync(Record(1000));
        }

        var again = await a.SearchAsync((float[])Record(7)["Vector"]!, 300).ToListAsync();
        Assert.DoesNotContain(again, r => (long)r.Record["Id"]! == 7L);
        Assert.Equal(1000L, (await a.SearchAsync((float[])Record(1000)["Vector"]!, 1).SingleAsync()).Record["Id"]);
    }

    [Fact]
    public async Task Missing_or_corrupt_snapshot_is_rebuilt_from_sqlite()
    {
        string indexPath;
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("c", Definition(IndexKind.Flat));
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(Enumerable.Range(0, 50).Select(i => Record(i)));
            indexPath = collection.IndexPath;
        }

        File.WriteAllText(indexPath, "not a faiss index");
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("c", Definition(IndexKind.Flat));
            Assert.Equal(50, (await collection.SearchAsync(new float[8], 100).ToListAsync()).Count);
        }

        File.Delete(indexPath);
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("c", Definition(IndexKind.Flat));
            Assert.Equal(12L, (await collection.SearchAsync((float[])Record(12)["Vector"]!, 1).SingleAsync()).Record["Id"]);
        }
    }

    [Theory]
    [InlineData(IndexKind.Flat, "upsert", 300)]
    [InlineData(IndexKind.Hnsw, "upsert", 300)]
    [InlineData(IndexKind.Flat, "churn", 120)]
    [InlineData(IndexKind.Hnsw, "churn", 250)]
    [InlineData(IndexKind.IvfFlat, "churn", 200)]
    [InlineData(IvfFlatOnDisk, "churn", 200)]
    [InlineData(IndexKind.Hnsw, "churn", 150, true)]
    public async Task Killed_writer_loses_nothing_that_was_acknowledged(string indexKind, string mode, long killAfter, bool twoVectors = false)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "VectorStore.CrashHelper.dll");
        Assert.True(File.Exists(helper), helper);
        var start = new ProcessStartInfo("dotnet", [helper, _temp.Database, "crash", indexKind, mode, twoVectors ? "two-vectors" : "one-vector"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        long lastAck = -1;
        var deleted = new HashSet<long>();
        long? deleting = null;
        using (Process process = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (lastAck < killAfter && DateTime.UtcNow < deadline)
            {
                string? line = await process.StandardOutput.ReadLineAsync();
                if (line is null)
                {
                    Assert.Fail("helper exited: " + await process.StandardError.ReadToEndAsync());
                }

                Track(line);
            }

            process.Kill(); // SIGKILL on Linux: no finally blocks, no dispose; maybe mid-upsert, mid-delete or mid-snapshot.
            await process.WaitForExitAsync();

            // What it printed before the kill still counts.
            foreach (string line in (await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Track(line);
            }
        }

        Assert.True(lastAck >= killAfter, $"only {lastAck} acknowledged");
        string[] orphans = Directory.GetFiles(_temp.Path, "*.ivflists", SearchOption.AllDirectories);
        if (indexKind == IvfFlatOnDisk)
        {
            // The killed writer's private lists file: left behind, deleted by the next open.
            Assert.NotEmpty(orphans);
        }

        void Track(string line)
        {
            string[] parts = line.Split(' ');
            long id = parts.Length == 2 ? long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : -1;
            switch (parts[0])
            {
                case "ack":
                    lastAck = Math.Max(lastAck, id);
                    break;
                case "deleting":
                    deleting = id;
                    break;
                case "del":
                    deleted.Add(id);
                    deleting = null;
                    break;
            }
        }
        using var store = new FaissVectorStore(_temp.Database, new FaissVectorStoreOptions { CollectionDefaults = new FaissCollectionOptions { IvfListsOnDisk = indexKind == IvfFlatOnDisk } });
        var collection = store.GetDynamicCollection("crash", Definition(indexKind, twoVectors));
        Assert.All(orphans, orphan => Assert.False(File.Exists(orphan), orphan));
        var ids = (await collection.GetAsync(r => true, 1_000_000).ToListAsync()).Select(r => (long)r["Id"]!).ToHashSet();
        for (long id = 0; id <= lastAck; id++)
        {
            if (deleted.Contains(id))
            {
                Assert.DoesNotContain(id, ids);
            }
            else if (id != deleting)
            {
                Assert.Contains(id, ids);
            }
        }

        // And the index (the recorded snapshot, reconciled, or rebuilt from SQLite) finds exactly them, with exact best scores.
        var vectorOptions = new VectorSearchOptions<Dictionary<string, object?>> { VectorProperty = twoVectors ? r => r["Vector"] : null };
        var found = (await collection.SearchAsync((float[])Record(lastAck)["Vector"]!, ids.Count, vectorOptions).ToListAsync()).Select(r => (long)r.Record["Id"]!).ToHashSet();
        if (indexKind == IndexKind.Hnsw && deleted.Count > 0)
        {
            // HNSW keeps deleted vectors as excluded tombstones, and an approximate search around many of them may miss a few live ones.
            Assert.Subset(ids, found);
            Assert.True(found.Count >= ids.Count * 3 / 4, $"{found.Count} of {ids.Count}");
        }
        else
        {
            Assert.Equal(ids, found);
        }

        foreach (long id in ids.Order().Take(20))
        {
            float[] query = Vector(id);
            double best = ids.Max(other => Dot(query, Vector(other)));
            Assert.Equal(best, (await collection.SearchAsync(query, 1, vectorOptions).SingleAsync()).Score!.Value, 4);
        }

        if (twoVectors)
        {
            // The second index (flat, exact) holds exactly the committed records too, each found by its own reversed vector.
            var options = new VectorSearchOptions<Dictionary<string, object?>> { VectorProperty = r => r["Vector2"] };
            var second = (await collection.SearchAsync(new float[8], ids.Count + 5, options).ToListAsync()).Select(r => (long)r.Record["Id"]!).ToHashSet();
            Assert.Equal(ids, second);
            foreach (long id in ids.Order().Take(20))
            {
                var hit = await collection.SearchAsync(Vector(id).Reverse().ToArray(), 1, options).SingleAsync();
                Assert.Equal((id, 0.0), ((long)hit.Record["Id"]!, hit.Score!.Value));
            }
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    [Fact]
    public async Task Killed_creator_leaves_only_whole_collections()
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "VectorStore.CrashHelper.dll");
        var start = new ProcessStartInfo("dotnet", [helper, _temp.Database, "made", IndexKind.Flat, "create"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var created = new HashSet<int>();
        var dropped = new HashSet<int>();
        using (Process process = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (created.Count < 40 && DateTime.UtcNow < deadline)
            {
                Track(await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("helper exited: " + await process.StandardError.ReadToEndAsync()));
            }

            process.Kill();
            await process.WaitForExitAsync();
            foreach (string line in (await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Track(line);
            }
        }

        Assert.True(created.Count >= 40, $"only {created.Count} created");
        using var store = new FaissVectorStore(_temp.Database);
        var names = await store.ListCollectionNamesAsync().ToListAsync();
        // (One deletion may have committed without its line: the one started after the last "created".)
        foreach (int i in created.Where(i => !dropped.Contains(i) && !created.Contains(i + 2)))
        {
            Assert.Contains("made" + i, names);
        }

        Assert.DoesNotContain(names, n => dropped.Contains(int.Parse(n[4..], System.Globalization.CultureInfo.InvariantCulture)));

        // Every collection left (even one whose creation or deletion was cut short) opens with its definition and answers exactly.
        foreach (string name in names)
        {
            var collection = store.GetDynamicCollection(name, Definition(IndexKind.Flat));
            long id = long.Parse(name[4..], System.Globalization.CultureInfo.InvariantCulture);
            var records = await collection.GetAsync(r => true, 10).ToListAsync();
            Assert.True(records.Count <= 1);
            var hits = await collection.SearchAsync(new float[] { 1, 0, 0, 0, 0, 0, 0, 0 }, 5).ToListAsync();
            Assert.Equal(records.Select(r => r["Id"]), hits.Select(h => h.Record["Id"]));
            if (created.Contains((int)id))
            {
                Assert.Equal(id, Assert.Single(records)["Id"]);
                Assert.Equal((double)id, Assert.Single(hits).Score!.Value, 6);
            }
        }

        void Track(string line)
        {
            string[] parts = line.Split(' ');
            if (parts[0] is "created" or "dropped")
            {
                (parts[0] == "created" ? created : dropped).Add(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
