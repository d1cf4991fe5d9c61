using System.Diagnostics;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VectorStoreCollectionDefinition Definition(string indexKind) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Text", typeof(string)),
            new VectorStoreVectorProperty("Vector", typeof(float[]), 8) { IndexKind = indexKind },
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
    [InlineData(IndexKind.Flat)]
    [InlineData(IndexKind.Hnsw)]
    public async Task Killed_writer_loses_nothing_that_was_acknowledged(string indexKind)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "VectorStore.CrashHelper.dll");
        Assert.True(File.Exists(helper), helper);
        var start = new ProcessStartInfo("dotnet", [helper, _temp.Database, "crash", indexKind])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        long lastAck = -1;
        using (Process process = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (lastAck < 300 && DateTime.UtcNow < deadline)
            {
                string? line = await process.StandardOutput.ReadLineAsync();
                if (line is null)
                {
                    Assert.Fail("helper exited: " + await process.StandardError.ReadToEndAsync());
                }

                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    lastAck = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            process.Kill(); // SIGKILL on Linux: no finally blocks, no dispose, no snapshot.
            await process.WaitForExitAsync();
        }

        Assert.True(lastAck >= 300, $"only {lastAck} acknowledged");
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetDynamicCollection("crash", Definition(indexKind));
        var ids = (await collection.GetAsync(r => true, 1_000_000).ToListAsync()).Select(r => (long)r["Id"]!).ToHashSet();
        for (long id = 0; id <= lastAck; id++)
        {
            Assert.Contains(id, ids);
        }

        // And the index rebuilt from SQLite finds them.
        var found = (await collection.SearchAsync((float[])Record(lastAck)["Vector"]!, ids.Count).ToListAsync()).Select(r => (long)r.Record["Id"]!).ToHashSet();
        Assert.Equal(ids, found);
    }
}
