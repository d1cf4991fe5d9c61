using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// <c>index</c>, <c>search</c> and <c>delete</c> over a <see cref="FaissVectorStore"/>: documents are embedded with
/// EmbeddingGemma's document prompt (their title, else <c>none</c>), queries with the query prompt, and scores are
/// inner products. The collection's schema is saved in the store (<see cref="StoreCatalog"/>).
/// </summary>
internal static class StoreCommands
{
    /// <summary>The collection used when none is named.</summary>
    public const string DefaultCollection = "documents";

    /// <summary>Records per upsert: one SQLite transaction and one generator call each.</summary>
    private const int UpsertBatch = 256;

    private static readonly Dictionary<string, string> s_indexKinds = new(StringComparer.Ordinal)
    {
        ["flat"] = IndexKind.Flat,
        ["hnsw"] = IndexKind.Hnsw,
        ["ivf"] = IndexKind.IvfFlat,
        ["sq8"] = IndexKind.QuantizedFlat,
    };

    /// <summary>Builds the three commands.</summary>
    public static IEnumerable<Command> Create(Option<string?> modelOption, Option<int> batchSizeOption)
    {
        var storeOption = new Option<string>("--store") { Description = "The store's SQLite file (index snapshots go to FILE.faiss/).", Required = true };
        var collectionOption = new Option<string>("--collection") { Description = "Collection name.", DefaultValueFactory = _ => DefaultCollection };
        yield return Index(modelOption, batchSizeOption, storeOption, collectionOption);
        yield return Search(modelOption, storeOption, collectionOption);
        yield return Delete(storeOption, collectionOption);
    }

    private static Command Index(Option<string?> modelOption, Option<int> batchSizeOption, Option<string> storeOption, Option<string> collectionOption)
    {
        var inputOption = new Option<string>("--input")
        {
            Description = "JSON lines {\"id\", \"text\", \"title\"?, other fields kept as data}, UTF-8; - for stdin. EmbeddingGemma 2 lines may "
                + "carry media as embed reads them (\"image\", \"images\", \"video\", \"audio\": paths relative to the input file), with or without text. Read once and checked in full before "
                + "anything is written (a bad line: nothing is written). Blank lines are skipped; invalid UTF-8 becomes U+FFFD with a warning "
                + "naming the line; a lone surrogate escape (\\ud800) is an error.",
            Required = true,
        };
        var kindOption = new Option<string?>("--index-kind") { Description = "FAISS index of a new collection: flat (exact, default), hnsw, ivf, sq8." };
        kindOption.AcceptOnlyFromAmong([.. s_indexKinds.Keys]);
        var dimensionsOption = new Option<int?>("--dimensions") { Description = "Matryoshka width of a new collection (default: the model's)." };
        var variantOption = new Option<string?>("--variant") { Description = "Graph under onnx/ of a new collection (default: model)." };
        var command = new Command("index", "Embed JSON lines with the document prompt and upsert them into a collection (same id: replaced).")
        {
            modelOption, storeOption, collectionOption, kindOption, dimensionsOption, variantOption, batchSizeOption, inputOption,
        };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            string model = CliModel.Resolve(parse.GetValue(modelOption));
            string storePath = StoreForWriting(parse.GetValue(storeOption)!);
            string name = parse.GetValue(collectionOption)!;
            using IndexInput input = await IndexInput.ScanAsync(parse.GetValue(inputOption)!, cancellationToken);
            if (input.RecordCount == 0)
            {
                await Console.Error.WriteLineAsync($"embeddinggemma: no records in the input; collection '{name}' unchanged.");
                return 0;
            }

            // The schema is claimed inside the connector's creating transaction: it can never disagree with the table.
            StoreSchema? claim = null;
            using var store = new FaissVectorStore(storePath, new()
            {
                CollectionDefaults = new()
                {
                    TitleProperty = IndexRecord.TitleField,
                    CreationHook = (connection, transaction, created) => StoreCatalog.Claim(connection, transaction, name, claim!, created),
                },
            });
            StoreSchema? existing = await store.CollectionExistsAsync(name, cancellationToken) ? RequireSchema(storePath, name) : null;
            string variant = parse.GetValue(variantOption) ?? existing?.Variant ?? new EmbeddingGemmaGeneratorOptions().Variant;
            int? dimensions = parse.GetValue(dimensionsOption) ?? existing?.Dimensions;
            string indexKind = parse.GetValue(kindOption) is { } kind ? s_indexKinds[kind] : existing?.IndexKind ?? IndexKind.Flat;
            if (existing is not null)
            {
                // Refuse before loading the model: the collection's settings and fields are fixed.
                CheckSettings(existing, new(dimensions!.Value, indexKind, variant, existing.Fields), name);
                existing.CheckInput(name, input.Fields);
            }

            using var generator = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions
            {
                Variant = variant, MaxBatchSize = parse.GetValue(batchSizeOption), Dimensions = dimensions,
            });
            await input.CheckEmbeddableAsync(generator, cancellationToken);
            StoreSchema schema = existing
                ?? new(dimensions ?? generator.EmbeddingDimensions, indexKind, variant, [.. input.Fields.Select(f => new StoreField(f.Key, f.Value.Kind))]);
            claim = schema;
            var collection = store.GetDynamicCollection(name, schema.ToDefinition(generator));
            await collection.EnsureCollectionExistsAsync(cancellationToken);
            long written = await UpsertAsync(collection, input, schema, cancellationToken);
            await Console.Error.WriteLineAsync($"embeddinggemma: indexed {written} records into collection '{name}' of '{storePath}'.");
            return 0;
        }));
        return command;
    }

    private static Command Search(Option<string?> modelOption, Option<string> storeOption, Option<string> collectionOption)
    {
        var queryOption = new Option<string>("--query") { Description = "The query, embedded with the query prompt.", Required = true };
        var topOption = new Option<int>("--top") { Description = "Number of results.", DefaultValueFactory = _ => 10 };
        var filterOption = new Option<string[]>("--filter") { Description = "FIELD=VALUE equality on a stored field (repeat to AND)." };
        var command = new Command("search", "Print the best records for a query as JSON lines {\"id\": ..., \"score\": inner product}, best first.")
        {
            modelOption, storeOption, collectionOption, queryOption, topOption, filterOption,
        };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            int top = parse.GetValue(topOption);
            if (top < 1)
            {
                throw new ArgumentException($"--top must be at least 1 (got {top}).");
            }

            string model = CliModel.Resolve(parse.GetValue(modelOption));
            string storePath = ExistingStore(parse.GetValue(storeOption)!);
            string name = parse.GetValue(collectionOption)!;
            using var store = new FaissVectorStore(storePath);
            StoreSchema schema = await ExistingSchemaAsync(store, name, cancellationToken);
            var filter = SearchFilter.Parse(parse.GetValue(filterOption) ?? [], schema, name);
            using var generator = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions { Variant = schema.Variant, Dimensions = schema.Dimensions });
            var collection = store.GetDynamicCollection(name, schema.ToDefinition(generator));
            await using var output = StandardStream.OpenOutputWriter();
            await foreach (VectorSearchResult<Dictionary<string, object?>> hit in collection.SearchAsync(
                parse.GetValue(queryOption)!, top, new() { Filter = filter }, cancellationToken))
            {
                var line = new SearchLine((string)hit.Record[IndexRecord.IdField]!, hit.Score ?? double.NaN);
                await output.WriteLineAsync(JsonSerializer.Serialize(line, CliJsonContext.Default.SearchLine));
            }

            return 0;
        }));
        return command;
    }

    private static Command Delete(Option<string> storeOption, Option<string> collectionOption)
    {
        var idOption = new Option<string[]>("--id") { Description = "Id of a record to delete (repeat for more).", Required = true };
        var command = new Command("delete", "Delete records by id (no model needed); ids that don't exist are reported, not an error.")
        {
            storeOption, collectionOption, idOption,
        };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            string storePath = ExistingStore(parse.GetValue(storeOption)!);
            string name = parse.GetValue(collectionOption)!;
            string[] ids = [.. (parse.GetValue(idOption) ?? []).Distinct(StringComparer.Ordinal)];
            using var store = new FaissVectorStore(storePath);
            StoreSchema schema = await ExistingSchemaAsync(store, name, cancellationToken);
            var collection = store.GetDynamicCollection(name, schema.ToDefinition(null));
            var found = new HashSet<string>(StringComparer.Ordinal);
            await foreach (Dictionary<string, object?> record in collection.GetAsync(ids, cancellationToken: cancellationToken))
            {
                found.Add((string)record[IndexRecord.IdField]!);
            }

            await collection.DeleteAsync(found, cancellationToken);
            string[] missing = [.. ids.Where(id => !found.Contains(id))];
            await Console.Error.WriteLineAsync(
                $"embeddinggemma: deleted {found.Count} of {ids.Length} records from collection '{name}'"
                + (missing.Length > 0 ? $"; not found: {string.Join(", ", missing)}." : "."));
            return 0;
        }));
        return command;
    }

    private static async Task<long> UpsertAsync(
        VectorStoreCollection<object, Dictionary<string, object?>> collection, IndexInput input, StoreSchema schema, CancellationToken cancellationToken)
    {
        using var progress = ProgressReporter.Create(input.Path);

        // Media records carry the vectors the check computed, text records their text: the store embeds only the texts,
        // so lines of both kinds share batches, in input order.
        var batch = new List<Dictionary<string, object?>>(UpsertBatch);
        long written = 0;
        await foreach ((long line, IndexRecord record) in input.ReadAsync(cancellationToken))
        {
            batch.Add(record.ToStoreRecord(schema, input.MediaVectorOf(line)));
            if (batch.Count == UpsertBatch)
            {
                written += await FlushAsync(batch);
            }
        }

        return written + await FlushAsync(batch);

        async Task<int> FlushAsync(List<Dictionary<string, object?>> batch)
        {
            int count = batch.Count;
            if (count > 0)
            {
                await collection.UpsertAsync(batch, cancellationToken);
                progress.Advance(count);
                batch.Clear();
            }

            return count;
        }
    }

    private static void CheckSettings(StoreSchema existing, StoreSchema requested, string name)
    {
        if (existing.Dimensions != requested.Dimensions || existing.IndexKind != requested.IndexKind || existing.Variant != requested.Variant)
        {
            throw new InvalidOperationException(
                $"Collection '{name}' has {existing.Dimensions} dimensions, index kind {KindName(existing.IndexKind)} and variant {existing.Variant}; "
                + $"this run asks for {requested.Dimensions}, {KindName(requested.IndexKind)} and {requested.Variant}. Leave the options out, or use another --collection.");
        }
    }

    private static string KindName(string indexKind) => s_indexKinds.FirstOrDefault(p => p.Value == indexKind).Key ?? indexKind;

    private static async Task<StoreSchema> ExistingSchemaAsync(FaissVectorStore store, string name, CancellationToken cancellationToken)
    {
        if (!await store.CollectionExistsAsync(name, cancellationToken))
        {
            var names = new List<string>();
            await foreach (string existing in store.ListCollectionNamesAsync(cancellationToken))
            {
                names.Add(existing);
            }

            throw new InvalidOperationException(
                $"Collection '{name}' does not exist in '{store.DatabasePath}' (collections: {(names.Count == 0 ? "none" : string.Join(", ", names))}).");
        }

        return RequireSchema(store.DatabasePath, name);
    }

    private static StoreSchema RequireSchema(string storePath, string name)
        => StoreCatalog.Read(storePath, name) ?? throw StoreCatalog.NotCreatedByIndex(storePath, name);

    private static string StoreForWriting(string path)
    {
        string full = Path.GetFullPath(path);
        return Directory.Exists(full) ? throw new ArgumentException($"--store '{path}' is a folder; give a file name, e.g. {Path.Combine(path, "store.db")}.")
            : Directory.Exists(Path.GetDirectoryName(full)) ? path
            : throw new DirectoryNotFoundException($"The folder of --store '{path}' does not exist; create it first.");
    }

    private static string ExistingStore(string path)
        => File.Exists(path) ? path : throw new FileNotFoundException($"Store '{path}' does not exist; create it with 'embeddinggemma index'.", path);
}
