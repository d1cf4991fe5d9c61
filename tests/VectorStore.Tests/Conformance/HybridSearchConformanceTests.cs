using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// IKeywordHybridSearchable: the scenarios of the abstraction's keyword hybrid search conformance suite (same vectors,
/// so the keyword side decides), plus the ones RAG users rely on: an exact identifier that the vector side ranks low is
/// rescued by the keyword side, filters narrow both sides, and the FTS5 index stays consistent with the records through
/// overwrite, delete, reopen and collection deletion, and is built for collections created before it existed.
/// </summary>
public sealed class HybridSearchConformanceTests : IDisposable
{
    private static readonly float[] s_same = [1, 0, 0, 0];
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<FaissCollection<int, Doc>> FruitAsync(FaissVectorStore store)
    {
        var collection = store.GetCollection<int, Doc>("fruit");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new Doc { Id = 1, Code = 1, Text = "Apples are a healthy and nourishing snack", Vector = s_same },
            new Doc { Id = 2, Code = 2, Text = "Oranges are tangy and contain vitamin c", Vector = s_same },
            new Doc { Id = 3, Code = 3, Text = "Grapes are healthy, sweet and juicy", Vector = s_same },
        ]);
        return collection;
    }

    [Fact]
    public async Task The_keyword_side_orders_records_with_equal_vectors()
    {
        using var store = new FaissVectorStore(_temp.Database);
        IKeywordHybridSearchable<Doc> hybrid = await FruitAsync(store);
        var results = await hybrid.HybridSearchAsync(s_same, ["Grapes"], top: 3).ToListAsync();
        Assert.Equal(3, results.Count);
        Assert.Equal(3, results[0].Record.Code);

        results = await hybrid.HybridSearchAsync(s_same, ["Oranges"], top: 1).ToListAsync();
        Assert.Equal(2, Assert.Single(results).Record.Code);

        // "healthy" matches 1 and 3, so skipping two leaves 2.
        results = await hybrid.HybridSearchAsync(s_same, ["healthy"], top: 3, new() { Skip = 2 }).ToListAsync();
        Assert.Equal(2, Assert.Single(results).Record.Code);

        // Any keyword matches: 1 and 2 match one each and come before 3.
        results = await hybrid.HybridSearchAsync(s_same, ["tangy", "nourishing"], top: 3).ToListAsync();
        Assert.Equal([1, 2], results.Take(2).Select(r => r.Record.Code).Order());
        Assert.Equal(3, results[2].Record.Code);
    }

    [Fact]
    public async Task Scores_are_reciprocal_rank_fusion_with_k_60()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, Doc>("rrf");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new Doc { Id = 1, Text = "alpha", Vector = new float[] { 1, 0, 0, 0 } },
            new Doc { Id = 2, Text = "beta zeta", Vector = new float[] { 0.5f, 0.5f, 0, 0 } },
            new Doc { Id = 3, Text = "gamma", Vector = new float[] { 0, 1, 0, 0 } },
        ]);
        var results = await collection.HybridSearchAsync(new float[] { 1, 0, 0, 0 }, ["zeta"], top: 3).ToListAsync();

        // Vector ranks 1, 2, 3; keyword rank 1 for record 2 only.
        Assert.Equal([2, 1, 3], results.Select(r => r.Record.Id));
        Assert.Equal((1.0 / 62) + (1.0 / 61), results[0].Score!.Value, 12);
        Assert.Equal(1.0 / 61, results[1].Score!.Value, 12);
        Assert.Equal(1.0 / 63, results[2].Score!.Value, 12);

        // ScoreThreshold is a minimum of the fused score.
        var above = await collection.HybridSearchAsync(new float[] { 1, 0, 0, 0 }, ["zeta"], top: 3, new() { ScoreThreshold = 1.0 / 61 }).ToListAsync();
        Assert.Equal([2, 1], above.Select(r => r.Record.Id));
    }

    [Fact]
    public async Task AdditionalProperty_chooses_the_text_property_searched()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, TwoTexts>("two_texts");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new TwoTexts { Id = 1, Text1 = "Apples", Text2 = "Oranges", Vector = s_same },
            new TwoTexts { Id = 2, Text1 = "Oranges", Text2 = "Apples", Vector = s_same },
        ]);
        var apples = await collection.HybridSearchAsync(s_same, ["Apples"], top: 3, new() { AdditionalProperty = r => r.Text2 }).ToListAsync();
        Assert.Equal([2, 1], apples.Select(r => r.Record.Id));
        var oranges = await collection.HybridSearchAsync(s_same, ["Oranges"], top: 3, new() { AdditionalProperty = r => r.Text2 }).ToListAsync();
        Assert.Equal([1, 2], oranges.Select(r => r.Record.Id));
        oranges = await collection.HybridSearchAsync(s_same, ["Oranges"], top: 3, new() { AdditionalProperty = r => r.Text1 }).ToListAsync();
        Assert.Equal([2, 1], oranges.Select(r => r.Record.Id));

        // With two full-text properties the abstraction requires a choice; a property that is not full-text indexed is refused.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await collection.HybridSearchAsync(s_same, ["Apples"], top: 3).ToListAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await collection.HybridSearchAsync(s_same, ["Apples"], top: 3, new() { AdditionalProperty = r => r.Plain }).ToListAsync());
    }

    [Fact]
    public async Task The_keyword_side_rescues_an_exact_identifier_the_vector_side_ranks_low()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, Doc>("rescue");
        await collection.EnsureCollectionExistsAsync();
        var random = new Random(7);
        float[] query = TestVectors.Random(random, 4, normalize: true);
        var docs = new List<Doc>();
        for (int i = 1; i <= 150; i++)
        {
            docs.Add(new Doc { Id = i, Text = $"troubleshooting note {i} about network timeouts", Vector = TestVectors.Random(random, 4, normalize: true) });
        }

        // The error string and the product code sit in records the vector side ranks far from the top; near-misses
        // (another code, the error's words without its identifier) rank higher.
        docs[0].Text = "Printer SKU-4471-C jams on duplex";
        docs[1].Text = "connection reset by peer, retrying";
        var byVector = docs.OrderByDescending(d => TestVectors.Dot(query, d.Vector.ToArray())).ToList();
        Doc product = byVector[40];
        Doc error = byVector[60];
        product.Text = "Printer SKU-4471-B jams on duplex";
        error.Text = "Fails with ECONNRESET: connection reset by peer";
        await collection.UpsertAsync(docs);

        var vectorOnly = await collection.SearchAsync(query, 10).Select(r => r.Record.Id).ToListAsync();
        Assert.DoesNotContain(product.Id, vectorOnly);
        Assert.DoesNotContain(error.Id, vectorOnly);

        var hybrid = await collection.HybridSearchAsync(query, ["SKU-4471-B"], top: 3).ToListAsync();
        Assert.Equal(product.Id, hybrid[0].Record.Id);
        Assert.Equal("Printer SKU-4471-B jams on duplex", hybrid[0].Record.Text);

        // Only the exact code got a keyword contribution: with every record ranked on both sides, the fused score less
        // the vector side's share is the keyword side's.
        var everything = await collection.HybridSearchAsync(query, ["SKU-4471-B"], top: docs.Count).ToListAsync();
        Assert.Equal(docs.Count, everything.Count);
        var keywordMatched = everything
            .Where(r => r.Score!.Value - (1.0 / (60 + 1 + byVector.FindIndex(d => d.Id == r.Record.Id))) > 1e-12)
            .Select(r => r.Record.Id).ToList();
        Assert.Equal([product.Id], keywordMatched);

        hybrid = await collection.HybridSearchAsync(query, ["ECONNRESET"], top: 3).ToListAsync();
        Assert.Equal(error.Id, hybrid[0].Record.Id);

        // Beyond the vector side's candidates, a keyword match still enters, read from SQLite with its vector.
        Doc last = byVector[^1];
        last.Text = "kernel oops XYZZY-9";
        await collection.UpsertAsync(last);
        hybrid = await collection.HybridSearchAsync(query, ["XYZZY-9"], top: 2, new() { IncludeVectors = true }).ToListAsync();
        Assert.Equal([byVector[0].Id, last.Id], hybrid.Select(r => r.Record.Id));
        Assert.Equal(1.0 / 61, hybrid[1].Score!.Value, 12);
        Assert.Equal(last.Vector.ToArray(), hybrid[1].Record.Vector.ToArray());
        Assert.Equal(byVector[0].Vector.ToArray(), hybrid[0].Record.Vector.ToArray());
    }

    [Fact]
    public async Task A_filter_narrows_both_sides()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, Doc>("filtered");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            // Best by vector and best by keyword, but in the wrong category.
            new Doc { Id = 1, Code = 1, Text = "kernel panic on boot", Vector = new float[] { 1, 0, 0, 0 } },
            new Doc { Id = 2, Code = 1, Text = "kernel panic kernel panic", Vector = new float[] { 0, 0, 1, 0 } },
            new Doc { Id = 3, Code = 2, Text = "kernel panic after update", Vector = new float[] { 0, 1, 0, 0 } },
            new Doc { Id = 4, Code = 2, Text = "slow disk", Vector = new float[] { 0.9f, 0.1f, 0, 0 } },
            new Doc { Id = 5, Code = 3, Text = "kernel panic", Vector = new float[] { 0.8f, 0.2f, 0, 0 } },
        ]);
        float[] query = [1, 0, 0, 0];
        var all = await collection.HybridSearchAsync(query, ["kernel panic"], top: 5).ToListAsync();
        Assert.Equal(5, all.Count);

        var results = await collection.HybridSearchAsync(query, ["kernel panic"], top: 5, new() { Filter = r => r.Code == 2 }).ToListAsync();
        Assert.Equal([3, 4], results.Select(r => r.Record.Id).Order());
        Assert.All(results, r => Assert.Equal(2, r.Record.Code));

        // Record 3 is the only keyword match left, and it is also ranked by the vector side: two contributions.
        Assert.Equal(3, results[0].Record.Id);
        Assert.True(results[0].Score > 1.0 / 61);

        // The new filter constructs work on the keyword side too.
        results = await collection.HybridSearchAsync(query, ["kernel"], top: 5, new() { Filter = r => r.Text!.EndsWith("boot") }).ToListAsync();
        Assert.Equal(1, Assert.Single(results).Record.Id);
    }

    [Fact]
    public async Task The_index_follows_overwrite_delete_reopen_and_collection_deletion()
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, Doc>("lifecycle");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(
            [
                new Doc { Id = 1, Text = "zebra crossing", Vector = new float[] { 1, 0, 0, 0 } },
                new Doc { Id = 2, Text = "giraffe neck", Vector = new float[] { 0, 1, 0, 0 } },
                new Doc { Id = 3, Text = "zebra stripes", Vector = new float[] { 0, 0, 1, 0 } },
            ]);
            Assert.Equal([1, 3], await KeywordMatchesAsync(collection, "zebra"));

            await collection.UpsertAsync(new Doc { Id = 1, Text = "lion mane", Vector = new float[] { 1, 0, 0, 0 } });
            Assert.Equal([3], await KeywordMatchesAsync(collection, "zebra"));
            Assert.Equal([1], await KeywordMatchesAsync(collection, "lion"));

            await collection.DeleteAsync(3);
            Assert.Empty(await KeywordMatchesAsync(collection, "zebra"));
            AssertIntegrity("lifecycle");
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, Doc>("lifecycle");
            Assert.Equal([1], await KeywordMatchesAsync(collection, "lion"));
            Assert.Equal([2], await KeywordMatchesAsync(collection, "GIRAFFE"));
            await collection.UpsertAsync(new Doc { Id = 4, Text = "zebra again", Vector = new float[] { 0, 0, 0, 1 } });
            Assert.Equal([4], await KeywordMatchesAsync(collection, "zebra"));
            AssertIntegrity("lifecycle");

            await collection.EnsureCollectionDeletedAsync();
            Assert.Empty(SchemaObjects("f_lifecycle_fts%"));
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(new Doc { Id = 9, Text = "fresh start", Vector = new float[] { 1, 0, 0, 0 } });
            Assert.Empty(await KeywordMatchesAsync(collection, "zebra"));
            Assert.Equal([9], await KeywordMatchesAsync(collection, "fresh"));
            AssertIntegrity("lifecycle");
        }
    }

    [Fact]
    public async Task A_collection_created_without_the_index_gets_it_built_from_its_records()
    {
        // As a store written before hybrid search: the same columns, no full-text index.
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var old = store.GetCollection<int, PlainDoc>("legacy");
            await old.EnsureCollectionExistsAsync();
            await old.UpsertAsync(
            [
                new PlainDoc { Id = 1, Code = 1, Text = "Error E1234 in module", Vector = new float[] { 0, 1, 0, 0 } },
                new PlainDoc { Id = 2, Code = 1, Text = "all good", Vector = new float[] { 1, 0, 0, 0 } },
            ]);
        }

        Assert.Empty(SchemaObjects("f_legacy_fts"));
        using (var store = new FaissVectorStore(_temp.Database))
        {
            // Opening it with IsFullTextIndexed changes no stored definition; the first hybrid search builds the index.
            var collection = store.GetCollection<int, Doc>("legacy");
            var results = await collection.HybridSearchAsync(new float[] { 1, 0, 0, 0 }, ["E1234"], top: 2).ToListAsync();
            Assert.Equal([1, 2], results.Select(r => r.Record.Id));
            Assert.Single(SchemaObjects("f_legacy_fts"));

            // Writes through the old model keep it current (the triggers are in the database).
            var old = store.GetCollection<int, PlainDoc>("legacy");
            await old.UpsertAsync(new PlainDoc { Id = 3, Code = 1, Text = "Error E5678", Vector = new float[] { 0, 0, 1, 0 } });
            Assert.Equal([3], await KeywordMatchesAsync(collection, "E5678"));
            AssertIntegrity("legacy");
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            // EnsureCollectionExistsAsync builds it too.
            var plain = store.GetCollection<int, PlainDoc>("legacy2");
            await plain.EnsureCollectionExistsAsync();
            await plain.UpsertAsync(new PlainDoc { Id = 1, Text = "needle", Vector = new float[] { 1, 0, 0, 0 } });
            var collection = store.GetCollection<int, Doc>("legacy2");
            await collection.EnsureCollectionExistsAsync();
            Assert.Single(SchemaObjects("f_legacy2_fts"));
            Assert.Equal([1], await KeywordMatchesAsync(collection, "needle"));
        }
    }

    [Fact]
    public async Task Dynamic_records_with_a_generated_embedding_search_by_text_and_keywords()
    {
        var generator = new FakeEmbeddingGenerator(64);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Body", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty("Team", typeof(string)),
                new VectorStoreVectorProperty("Text", typeof(string), 64) { EmbeddingGenerator = generator },
            ],
        };
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetDynamicCollection("dynamic_hybrid", definition);
        await collection.EnsureCollectionExistsAsync();
        string[] bodies = ["printer jams when printing duplex", "printer paper tray is empty", "error 0x80070005 access denied", "printer offline after update"];
        await collection.UpsertAsync(bodies.Select((b, i) => new Dictionary<string, object?>
        {
            ["Id"] = "doc" + i, ["Body"] = b, ["Team"] = i % 2 == 0 ? "ops" : "dev", ["Text"] = b,
        }));

        // The text is embedded with the query prompt for the vector side; the hex code is found by the keyword side.
        var results = await collection.HybridSearchAsync("printer problems", ["0x80070005"], top: 2).ToListAsync();
        Assert.Equal("doc2", results[0].Record["Id"]);
        Assert.Equal("query", generator.Calls[^1].Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.PromptName]);

        results = await collection.HybridSearchAsync("printer problems", ["0x80070005"], top: 4, new() { Filter = r => (string)r["Team"]! == "dev" }).ToListAsync();
        Assert.Equal(["doc1", "doc3"], results.Select(r => (string)r.Record["Id"]!).Order());
    }

    [Fact]
    public async Task Bad_arguments_are_refused()
    {
        using var store = new FaissVectorStore(_temp.Database);
        IKeywordHybridSearchable<Doc> hybrid = await FruitAsync(store);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await hybrid.HybridSearchAsync(s_same, null!, top: 3).ToListAsync());
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await hybrid.HybridSearchAsync(s_same, [null!], top: 3).ToListAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await hybrid.HybridSearchAsync(s_same, ["x"], top: 0).ToListAsync());
        await Assert.ThrowsAsync<NotSupportedException>(
            async () => await hybrid.HybridSearchAsync(s_same, ["x"], top: 3, new() { Filter = r => r.Text!.ToUpperInvariant() == "X" }).ToListAsync());

        // Keywords are phrases, never FTS5 syntax: quotes, operators and column filters are searched as text.
        var results = await hybrid.HybridSearchAsync(s_same, ["\"Grapes\" OR", "Text:juicy", "NEAR(", "*"], top: 3).ToListAsync();
        Assert.Equal(3, results.Count);
        Assert.Empty(await hybrid.HybridSearchAsync(s_same, ["x"], top: 3, new() { Filter = r => r.Code > 5 }).ToListAsync());

        // FTS5 reserves some column names, and indexes text only: refused when the collection is opened.
        var reserved = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(int)),
                new VectorStoreDataProperty("Score", typeof(string)) { IsFullTextIndexed = true, StorageName = "rank" },
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 4),
            ],
        };
        NotSupportedException e = Assert.ThrowsAny<NotSupportedException>(() => store.GetDynamicCollection("reserved", reserved));
        Assert.Contains("'rank'", e.Message, StringComparison.Ordinal);

        using var noText = new FaissVectorStore(_temp.File("other.db"));
        var plain = noText.GetCollection<int, PlainDoc>("plain");
        await plain.EnsureCollectionExistsAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await plain.HybridSearchAsync(s_same, ["x"], top: 3).ToListAsync());
    }

    /// <summary>The records the keyword side found: their fused score exceeds what the vector side alone can give (1/61).</summary>
    private static async Task<List<int>> KeywordMatchesAsync(FaissCollection<int, Doc> collection, string keyword)
    {
        var results = await collection.HybridSearchAsync(new float[] { 1, 1, 1, 1 }, [keyword], top: 50).ToListAsync();
        int count = await collection.GetAsync(r => true, 1000).CountAsync();
        // With n records each side ranks all of them: a keyword match scores at least 2 / (60 + n).
        double vectorOnlyMaximum = 1.0 / 61;
        Assert.True(2.0 / (60 + count) > vectorOnlyMaximum);
        return [.. results.Where(r => r.Score > vectorOnlyMaximum + 1e-12).Select(r => r.Record.Id).Order()];
    }

    private void AssertIntegrity(string collection)
    {
        using var connection = new SqliteConnection($"Data Source={_temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        // FTS5 compares its index with the record table and fails on any difference.
        command.CommandText = $"INSERT INTO \"f_{collection}_fts\" (\"f_{collection}_fts\", rank) VALUES ('integrity-check', 1)";
        command.ExecuteNonQuery();
    }

    private List<string> SchemaObjects(string pattern)
    {
        using var connection = new SqliteConnection($"Data Source={_temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE name LIKE @pattern AND type IN ('table', 'trigger') AND sql LIKE '%fts5%' OR (name LIKE @pattern AND type = 'trigger')";
        command.Parameters.AddWithValue("@pattern", pattern);
        using SqliteDataReader reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>A record with one full-text-indexed text.</summary>
    public sealed class Doc
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsFullTextIndexed = true)]
        public string? Text { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Code { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    /// <summary>The same columns as <see cref="Doc"/>, without full-text indexing (as collections created before it).</summary>
    public sealed class PlainDoc
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData]
        public string? Text { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Code { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    /// <summary>Two full-text-indexed texts and one plain one.</summary>
    public sealed class TwoTexts
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text1 { get; set; } = "";

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text2 { get; set; } = "";

        [VectorStoreData]
        public string Plain { get; set; } = "";

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }
}
