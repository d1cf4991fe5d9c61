using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss;

// Usage: VectorStore.CrashHelper <database> <collection> <index-kind> [upsert|churn|create] [two-vectors]
// upsert: upserts records 0, 1, 2, ... in batches of 1..3 and prints "ack <id>" after each UpsertAsync returned.
// churn: the same, and after each batch deletes an earlier record ("deleting <id>" before, "del <id>" after) and
// saves the index snapshot every other batch, so a kill lands in upserts, deletes and snapshot saves alike.
// create: creates collections <collection>0, 1, 2, ... with record i each ("created <i>"), and deletes each one two
// steps later ("dropped <i>"), so a kill lands in collection creation and deletion.
// index-kind IvfFlatOnDisk: IvfFlat with FaissCollectionOptions.IvfListsOnDisk (inverted lists in files beside the store).
// two-vectors: records get a second vector property, Vector2 (the vector reversed, EuclideanDistance, its own index).
string database = args[0];
string collectionName = args[1];
bool onDisk = args[2] == "IvfFlatOnDisk";
string indexKind = onDisk ? IndexKind.IvfFlat : args[2];
string mode = args.Length > 3 ? args[3] : "upsert";
bool churn = mode == "churn";
bool twoVectors = args.Length > 4 && args[4] == "two-vectors";

var definition = new VectorStoreCollectionDefinition
{
    Properties =
    [
        new VectorStoreKeyProperty("Id", typeof(long)),
        new VectorStoreDataProperty("Text", typeof(string)),
        new VectorStoreVectorProperty("Vector", typeof(float[]), 8) { IndexKind = indexKind },
        .. twoVectors ? [new VectorStoreVectorProperty("Vector2", typeof(float[]), 8) { DistanceFunction = DistanceFunction.EuclideanDistance }] : Array.Empty<VectorStoreProperty>(),
    ],
};

using var store = new FaissVectorStore(database, new FaissVectorStoreOptions { CollectionDefaults = new FaissCollectionOptions { IvfListsOnDisk = onDisk } });
if (mode == "create")
{
    for (int i = 0; ; i++)
    {
        var created = store.GetDynamicCollection(collectionName + i, definition);
        await created.EnsureCollectionExistsAsync();
        await created.UpsertAsync(new Dictionary<string, object?> { ["Id"] = (long)i, ["Text"] = $"record {i}", ["Vector"] = new float[] { i, 1, 0, 0, 0, 0, 0, 0 } });
        await created.SaveIndexAsync();
        Console.WriteLine($"created {i}");
        if (i >= 2)
        {
            await store.EnsureCollectionDeletedAsync(collectionName + (i - 2));
            Console.WriteLine($"dropped {i - 2}");
        }

        Console.Out.Flush();
    }
}

var collection = store.GetDynamicCollection(collectionName, definition);
await collection.EnsureCollectionExistsAsync();
Console.WriteLine("ready");
long next = 0;
for (long step = 0; ; step++)
{
    int batch = (int)(next % 3) + 1;
    var records = new List<Dictionary<string, object?>>();
    for (int i = 0; i < batch; i++, next++)
    {
        var random = new Random((int)next);
        var vector = new float[8];
        for (int d = 0; d < 8; d++)
        {
            vector[d] = (float)(random.NextDouble() * 2 - 1);
        }

        var record = new Dictionary<string, object?> { ["Id"] = next, ["Text"] = $"record {next}", ["Vector"] = vector };
        if (twoVectors)
        {
            record["Vector2"] = vector.Reverse().ToArray();
        }

        records.Add(record);
    }

    await collection.UpsertAsync(records);
    foreach (var record in records)
    {
        Console.WriteLine($"ack {record["Id"]}");
    }

    Console.Out.Flush();
    if (churn)
    {
        long victim = step * 2 % next;
        Console.WriteLine($"deleting {victim}");
        Console.Out.Flush();
        await collection.DeleteAsync(victim);
        Console.WriteLine($"del {victim}");
        Console.Out.Flush();
        if (step % 2 == 0)
        {
            await collection.SaveIndexAsync();
        }
    }
}
