using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.ModelFactory;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>
/// <c>embeddinggemma index / search / delete</c> as real processes over a real FAISS store: every search runs in a
/// process other than the one that indexed, and its scores must be the inner products of the reference embeddings
/// (document prompt with the title or <c>none</c>, query prompt).
/// </summary>
public sealed class CliStoreTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>, IDisposable
{
    private static readonly Doc[] s_docs =
    [
        new("cats", "Cats sleep for most of the day and hunt at night.", "Cats", 2020, "en"),
        new("mars", "Mars, known for its reddish appearance, is often referred to as the Red Planet.", "Planets", 2021, "en"),
        new("chat", "Le chat dort presque toute la journée.", null, 2020, "fr"),
        new("code", "def embed(texts):\n\tfor t in texts:\n\t\tyield model(t)", "Python", 2019, "en"),
        new("hund", "Der schnelle braune Fuchs springt über den faulen Hund.", null, 2021, "de"),
        new("soup", "Slowly simmer the onions before adding the stock.", "Soup", 2020, "en"),
    ];

    private static readonly string[] s_queries = ["Which planet is red?", "sleeping animals"];

    private readonly TempFolder _folder = new();

    private string Store => Path.Combine(_folder.Path, "store.db");

    [Fact]
    public async Task Search_from_another_process_ranks_by_the_reference_inner_products()
    {
        await IndexAsync(s_docs);

        foreach (string query in s_queries)
        {
            List<(string Id, double Score)> expected = await ExpectedAsync(s_docs, query);
            Assert.True(expected.Zip(expected.Skip(1)).All(p => p.First.Score - p.Second.Score > 1e-5), "the corpus needs distinct scores to check the order");

            List<(string Id, double Score)> hits = await SearchAsync(query, "--top", "100");

            AssertRanking(expected, hits);
        }
    }

    [Fact]
    public async Task Top_limits_results_and_the_model_comes_from_the_environment()
    {
        await IndexAsync(s_docs);
        List<(string Id, double Score)> expected = await ExpectedAsync(s_docs, s_queries[0]);

        (int code, string stdout, string stderr) = await CliProcess.RunAsync(
            ["search", "--store", Store, "--query", s_queries[0], "--top", "3"], stdin: null,
            environment: new() { ["EMBEDDINGGEMMA_MODEL_PATH"] = fixture.ModelDirectory });

        Assert.True(code == 0, stderr);
        AssertRanking(expected.Take(3).ToList(), Parse(stdout));
    }

    [Fact]
    public async Task Filters_compare_strings_and_numbers_with_their_stored_types_and_and_together()
    {
        await IndexAsync(s_docs);
        string query = s_queries[1];
        List<(string Id, double Score)> expected = await ExpectedAsync(s_docs, query);

        List<(string Id, double Score)> english = await SearchAsync(query, "--filter", "lang=en");
        List<(string Id, double Score)> year2020 = await SearchAsync(query, "--filter", "year=2020");
        List<(string Id, double Score)> both = await SearchAsync(query, "--filter", "year=2020", "--filter", "lang=en");
        List<(string Id, double Score)> titled = await SearchAsync(query, "--filter", "title=Planets");
        List<(string Id, double Score)> drafts = await SearchAsync(query, "--filter", "draft=true");

        AssertRanking(Where(expected, d => d.Lang == "en"), english);
        AssertRanking(Where(expected, d => d.Year == 2020), year2020);
        AssertRanking(Where(expected, d => d.Year == 2020 && d.Lang == "en"), both);
        Assert.Equal(["mars"], titled.Select(h => h.Id));
        AssertRanking(Where(expected, d => d.Year > 2020), drafts);
    }

    [Theory]
    [InlineData("flat")]
    [InlineData("hnsw")]
    public async Task Deleted_records_never_come_back(string kind)
    {
        await IndexAsync(s_docs, "--index-kind", kind);

        (int code, _, string stderr) = await CliProcess.RunAsync("delete", "--store", Store, "--id", "mars", "--id", "cats", "--id", "nope");

        Assert.True(code == 0, stderr);
        Assert.Contains("deleted 2 of 3", stderr);
        Assert.Contains("not found: nope", stderr);
        Doc[] kept = [.. s_docs.Where(d => d.Id is not ("mars" or "cats"))];
        AssertRanking(await ExpectedAsync(kept, s_queries[0]), await SearchAsync(s_queries[0], "--top", "100"));

        // Later writes reload the index snapshot (HNSW keeps deleted vectors as tombstones): still gone.
        Doc[] more = [new("tea", "Green tea is brewed at a lower temperature.", "Tea", 2022, "en"), new("rain", "It rained all week in Lisbon.", null, 2023, "pt")];
        await IndexAsync(more);
        AssertRanking(await ExpectedAsync([.. kept, .. more], s_queries[0]), await SearchAsync(s_queries[0], "--top", "100"));
    }

    [Fact]
    public async Task Indexing_an_existing_id_replaces_the_record()
    {
        await IndexAsync(s_docs);
        Doc changed = new("mars", "Jupiter is the largest planet.", null, 2024, "en");

        // From stdin, and the same id twice in one input: the last line wins.
        string input = Lines([s_docs[1] with { Text = "an older version" }, changed]);
        (int code, _, string stderr) = await CliProcess.RunAsync(["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], stdin: input);

        Assert.True(code == 0, stderr);
        Doc[] now = [.. s_docs.Select(d => d.Id == "mars" ? changed : d)];
        AssertRanking(await ExpectedAsync(now, s_queries[0]), await SearchAsync(s_queries[0], "--top", "100"));
        Assert.Equal(["mars"], (await SearchAsync(s_queries[0], "--filter", "year=2024")).Select(h => h.Id));
    }

    [Theory]
    [InlineData("hnsw", 1e-5)]
    [InlineData("sq8", 2e-2)]
    [InlineData("ivf", 1e-5)]
    public async Task Other_index_kinds_find_the_same_records(string kind, double tolerance)
    {
        await IndexAsync(s_docs, "--index-kind", kind, "--dimensions", "32");
        List<(string Id, double Score)> expected = await ExpectedAsync(s_docs, s_queries[0], dimensions: 32);

        List<(string Id, double Score)> hits = await SearchAsync(s_queries[0], "--top", "100");

        Assert.Equal(expected.Select(e => e.Id).Order(), hits.Select(h => h.Id).Order());
        Assert.All(hits, h => Assert.Equal(expected.Single(e => e.Id == h.Id).Score, h.Score, tolerance));
        Assert.Equal(hits.Select(h => h.Score).OrderDescending(), hits.Select(h => h.Score));

        // The kind and width are the collection's: a later run inherits them, and may not change them.
        await IndexAsync([new("tea", "Green tea.", null, 2022, "en")]);
        (int code, _, string stderr) = await RunIndexAsync([new("tea", "Green tea.", null, 2022, "en")], "--index-kind", "flat");
        Assert.Equal(1, code);
        Assert.Contains($"index kind {kind}", stderr);
    }

    [Theory]
    [InlineData("{\"id\": \"a\", \"text\": \"x\"}\nnot json", "line 2: not valid JSON")]
    [InlineData("{\"text\": \"x\"}", "line 1: missing the string field \"id\"")]
    [InlineData("{\"id\": \"a\"}", "line 1: missing the string field \"text\"")]
    [InlineData("{\"id\": 7, \"text\": \"x\"}", "line 1: \"id\" must be a non-empty string")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"title\": 3}", "line 1: \"title\" must be a string or null")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"tags\": [\"a\"]}", "line 1: field 'tags' is an array")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"meta\": {\"a\": 1}}", "line 1: field 'meta' is an object")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"year\": 1}\n\n{\"id\": \"b\", \"text\": \"y\", \"year\": \"2020\"}", "line 3: field 'year' is a string here but a number on line 1")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"Year\": 1}\n{\"id\": \"b\", \"text\": \"y\", \"year\": 2}", "field 'year' differs from field 'Year' (line 1) only in case")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"Title\": \"t\"}", "line 1: field 'Title' differs from 'title' only in case")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"_vector\": 1}", "line 1: field name '_vector' is reserved")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"n\": 9007199254740993}", "line 1: field 'n' = 9007199254740993 can't be stored exactly")]
    [InlineData("{\"id\": \"a\", \"text\": \"x\", \"n\": 1}\n{\"id\": \"b\", \"text\": \"x\", \"n\": true}", "line 2: field 'n' is a boolean here but a number on line 1")]
    public async Task Bad_input_is_refused_before_anything_is_written(string input, string expected)
    {
        (int code, _, string stderr) = await CliProcess.RunAsync(["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], stdin: input);

        CliProcess.AssertOneLineError(code, stderr, expected);
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public async Task A_later_run_may_not_bring_a_new_field_or_change_a_type_or_the_width()
    {
        await IndexAsync(s_docs);

        (int code, _, string stderr) = await CliProcess.RunAsync(
            ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], stdin: "{\"id\": \"z\", \"text\": \"x\", \"author\": \"me\"}\n");
        CliProcess.AssertOneLineError(code, stderr, "line 1: field 'author' is not in collection 'documents'");

        (code, _, stderr) = await CliProcess.RunAsync(
            ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], stdin: "{\"id\": \"z\", \"text\": \"x\", \"year\": \"old\"}\n");
        CliProcess.AssertOneLineError(code, stderr, "field 'year' is a string but collection 'documents' stores a number");

        (code, _, stderr) = await RunIndexAsync([new("z", "x", null, 1, "en")], "--dimensions", "16");
        CliProcess.AssertOneLineError(code, stderr, "Collection 'documents' has 64 dimensions");

        // A bad last line: the valid lines before it are not written either.
        (code, _, stderr) = await CliProcess.RunAsync(
            ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], stdin: Lines([new("z", "x", null, 1, "en")]) + "{\"id\": \"y\"}\n");
        CliProcess.AssertOneLineError(code, stderr, "line 2: missing the string field \"text\"");

        // A new collection in the same store may have its own fields and width.
        (code, _, stderr) = await CliProcess.RunAsync(
            ["index", "--model", fixture.ModelDirectory, "--store", Store, "--collection", "notes", "--dimensions", "16", "--input", "-"],
            stdin: "{\"id\": \"z\", \"text\": \"x\", \"author\": \"me\"}\n");
        Assert.True(code == 0, stderr);
        Assert.Equal(["z"], (await SearchAsync(s_queries[0], "--collection", "notes", "--filter", "author=me")).Select(h => h.Id));
        Assert.Equal(s_docs.Length, (await SearchAsync(s_queries[0], "--top", "100")).Count);
    }

    [Fact]
    public async Task A_collection_name_differing_only_in_case_is_refused_and_never_reaches_the_other()
    {
        await IndexAsync(s_docs);

        (int code, _, string stderr) = await RunIndexAsync([new("tea", "Green tea.", null, 2022, "en")], "--collection", "Documents");
        CliProcess.AssertOneLineError(code, stderr, "Collection 'Documents' can't be created");
        Assert.Contains("collection 'documents' exists, and names that differ only in case would share one SQLite table", stderr);

        (code, _, stderr) = await CliProcess.RunAsync("delete", "--store", Store, "--collection", "Documents", "--id", "cats");
        CliProcess.AssertOneLineError(code, stderr, "Collection 'Documents' does not exist in");

        // 'documents' is untouched: same records, same scores.
        AssertRanking(await ExpectedAsync(s_docs, s_queries[1]), await SearchAsync(s_queries[1], "--top", "100"));
    }

    [Fact]
    public async Task Two_first_index_runs_at_once_with_other_fields_leave_one_consistent_collection()
    {
        Doc[] other = [new("tea", "Green tea is brewed at a lower temperature.", "Tea", 2022, "en"), new("rain", "It rained all week in Lisbon.", null, 2023, "pt")];
        string withAuthor = string.Concat(other.Select(d => new JsonObject { ["id"] = d.Id, ["text"] = d.Text, ["author"] = "me" }.ToJsonString() + "\n"));
        for (int round = 0; round < 3; round++)
        {
            string collection = $"race{round}";
            string fields = Path.Combine(_folder.Path, $"fields-{round}.jsonl");
            string author = Path.Combine(_folder.Path, $"author-{round}.jsonl");
            await File.WriteAllTextAsync(fields, Lines(s_docs));
            await File.WriteAllTextAsync(author, withAuthor);

            var runs = await Task.WhenAll(
                CliProcess.RunAsync(["index", "--model", fixture.ModelDirectory, "--store", Store, "--collection", collection, "--input", fields]),
                CliProcess.RunAsync(["index", "--model", fixture.ModelDirectory, "--store", Store, "--collection", collection, "--input", author]));

            // One run created the collection; the other was refused with one line before writing anything.
            Assert.Equal(1, runs.Count(r => r.Code == 0));
            var loser = runs.Single(r => r.Code != 0);
            CliProcess.AssertOneLineError(loser.Code, loser.Stderr, $"Collection '{collection}'");
            bool fieldsWon = runs[0].Code == 0;

            // The saved schema and the table agree: search, filters and another run of the winner's input all work.
            List<(string Id, double Score)> hits = await SearchAsync(s_queries[0], "--collection", collection, "--top", "100");
            Assert.Equal((fieldsWon ? s_docs.Select(d => d.Id) : other.Select(d => d.Id)).Order(), hits.Select(h => h.Id).Order());
            string filter = fieldsWon ? "lang=en" : "author=me";
            Assert.NotEmpty(await SearchAsync(s_queries[0], "--collection", collection, "--filter", filter));
            (int code, _, string stderr) = await CliProcess.RunAsync(
                ["index", "--model", fixture.ModelDirectory, "--store", Store, "--collection", collection, "--input", fieldsWon ? fields : author]);
            Assert.True(code == 0, stderr);
        }
    }

    [Fact]
    public async Task Bad_search_arguments_exit_with_one_line()
    {
        await IndexAsync(s_docs);
        (string Option, string Value, string Expected)[] cases =
        [
            ("--top", "0", "--top must be at least 1"),
            ("--filter", "year", "--filter 'year': expected FIELD=VALUE"),
            ("--filter", "author=me", "collection 'documents' has no field 'author' (fields: id, text, title, year, lang, draft)"),
            ("--filter", "year=recent", "field 'year' holds numbers; 'recent' is not one"),
            ("--filter", "draft=maybe", "field 'draft' holds booleans; use true or false"),
            ("--collection", "other", "Collection 'other' does not exist in"),
        ];

        foreach ((string option, string value, string expected) in cases)
        {
            (int code, _, string stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", Store, "--query", "q", option, value);
            CliProcess.AssertOneLineError(code, stderr, expected);
        }

        (int deleteCode, _, string deleteError) = await CliProcess.RunAsync("delete", "--store", Store, "--collection", "other", "--id", "a");
        CliProcess.AssertOneLineError(deleteCode, deleteError, "Collection 'other' does not exist in");
    }

    [Fact]
    public async Task Missing_stores_and_folders_are_errors_and_nothing_is_created()
    {
        string missing = Path.Combine(_folder.Path, "missing.db");

        (int code, _, string stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", missing, "--query", "q");
        CliProcess.AssertOneLineError(code, stderr, "does not exist");

        (code, _, stderr) = await CliProcess.RunAsync("delete", "--store", missing, "--id", "a");
        CliProcess.AssertOneLineError(code, stderr, "does not exist");

        (code, _, stderr) = await CliProcess.RunAsync(
            ["index", "--model", fixture.ModelDirectory, "--store", Path.Combine(_folder.Path, "no", "such", "store.db"), "--input", "-"], stdin: Lines(s_docs));
        CliProcess.AssertOneLineError(code, stderr, "does not exist; create it first");

        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task A_store_indexed_with_one_model_refuses_searches_with_another_and_accepts_a_moved_copy()
    {
        await IndexAsync(s_docs);
        List<(string Id, double Score)> expected = await ExpectedAsync(s_docs, s_queries[0]);

        // The same files under another folder name: the same model, so the same scores.
        using var moved = new CopiedModel(fixture.ModelDirectory);
        (int movedCode, string movedStdout, string movedStderr) = await CliProcess.RunAsync(
            ["search", "--model", moved.Path, "--store", Store, "--query", s_queries[0], "--top", "100"]);
        Assert.True(movedCode == 0, movedStderr);
        AssertRanking(expected, Parse(movedStdout));

        // Other weights with the same shapes, tokenizer and folder name: vectors that only look comparable.
        using var other = new TempFolder();
        string otherModel = Path.Combine(other.Path, Path.GetFileName(Path.TrimEndingDirectorySeparator(fixture.ModelDirectory)));
        EmbeddingGemmaModelWriter.Write(otherModel, GemmaEncoderConfig.Tiny, TestModels.Seed + 7, GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, ModelVariants.Float32);
        string storeBefore = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Store)));

        (int code, string stdout, string stderr) = await CliProcess.RunAsync(
            ["search", "--model", otherModel, "--store", Store, "--query", s_queries[0]]);
        (int indexCode, _, string indexStderr) = await CliProcess.RunAsync(
            ["index", "--model", otherModel, "--store", Store, "--input", await WriteInputAsync(s_docs[..1])]);

        Assert.Equal("", stdout);
        string identity = (fixture.Generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata)!.DefaultModelId!;
        CliProcess.AssertOneLineError(code, stderr, "documents");
        Assert.Contains(identity, stderr);
        CliProcess.AssertOneLineError(indexCode, indexStderr, identity);
        Assert.Equal(storeBefore, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Store))));
        AssertRanking(expected, await SearchAsync(s_queries[0], "--top", "100"));
    }

    [Fact]
    public async Task A_store_indexed_with_EmbeddingGemma_refuses_searches_with_an_EmbeddingGemma_2_folder_naming_both_models()
    {
        await IndexAsync(s_docs);
        string v2 = TestModels.EnsureTinyEmbeddingGemma2Model();
        string storeBefore = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Store)));

        (int code, string stdout, string stderr) = await CliProcess.RunAsync(["search", "--model", v2, "--store", Store, "--query", s_queries[0]]);

        Assert.Equal("", stdout);
        string indexedWith = (fixture.Generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata)!.DefaultModelId!;
        using var generator = new EmbeddingGemmaGenerator(v2);
        string searchedWith = (generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata)!.DefaultModelId!;
        Assert.NotEqual(indexedWith, searchedWith);
        CliProcess.AssertOneLineError(code, stderr, indexedWith);
        Assert.Contains(searchedWith, stderr);
        Assert.Equal(storeBefore, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Store))));
    }

    [Theory]
    [InlineData("search")]
    [InlineData("delete")]
    [InlineData("index")]
    public async Task A_store_file_that_is_not_a_database_is_named_in_one_line_and_left_as_it_was(string command)
    {
        await File.WriteAllTextAsync(Store, "not a database, just text that happens to be here\n");
        string[] arguments = command switch
        {
            "search" => ["search", "--model", fixture.ModelDirectory, "--store", Store, "--query", s_queries[0]],
            "delete" => ["delete", "--store", Store, "--id", "cats"],
            _ => ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", await WriteInputAsync(s_docs)],
        };

        (int code, string stdout, string stderr) = await CliProcess.RunAsync(arguments);

        Assert.Equal("", stdout);
        CliProcess.AssertOneLineError(code, stderr, $"'{Store}'");
        Assert.Contains("not a database", stderr);
        Assert.Equal("not a database, just text that happens to be here\n", await File.ReadAllTextAsync(Store));
    }

    public void Dispose() => _folder.Dispose();

    private async Task IndexAsync(IReadOnlyList<Doc> docs, params string[] options)
    {
        (int code, _, string stderr) = await RunIndexAsync(docs, options);
        Assert.True(code == 0, stderr);
        Assert.Contains($"indexed {docs.Count} records", stderr);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunIndexAsync(IReadOnlyList<Doc> docs, params string[] options)
    {
        string input = await WriteInputAsync(docs);
        var result = await CliProcess.RunAsync(["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", input, .. options]);
        File.Delete(input);
        return result;
    }

    private async Task<string> WriteInputAsync(IReadOnlyList<Doc> docs)
    {
        string input = Path.Combine(_folder.Path, $"input-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(input, Lines(docs));
        return input;
    }

    private async Task<List<(string Id, double Score)>> SearchAsync(string query, params string[] options)
    {
        (int code, string stdout, string stderr) = await CliProcess.RunAsync(["search", "--model", fixture.ModelDirectory, "--store", Store, "--query", query, .. options]);
        Assert.True(code == 0, stderr);
        return Parse(stdout);
    }

    /// <summary>All docs by the inner product of their reference document embedding with the reference query embedding, best first.</summary>
    private async Task<List<(string Id, double Score)>> ExpectedAsync(IReadOnlyList<Doc> docs, string query, int? dimensions = null)
    {
        GeneratedEmbeddings<Embedding<float>> documents = await fixture.Generator.GenerateDocumentEmbeddingsAsync(
            docs.Select(d => d.Text), docs.Select(d => d.Title), dimensions);
        Embedding<float> q = await fixture.Generator.GenerateQueryEmbeddingAsync(query, dimensions);
        return [.. docs.Select((d, i) => (d.Id, Score: Dot(documents[i].Vector.Span, q.Vector.Span))).OrderByDescending(s => s.Score)];
    }

    private static List<(string Id, double Score)> Where(List<(string Id, double Score)> expected, Func<Doc, bool> predicate)
        => [.. expected.Where(e => predicate(s_docs.Single(d => d.Id == e.Id)))];

    private static void AssertRanking(List<(string Id, double Score)> expected, List<(string Id, double Score)> actual)
    {
        Assert.Equal(expected.Select(e => e.Id), actual.Select(a => a.Id));
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First.Score, p.Second.Score, 1e-5));
    }

    private static List<(string Id, double Score)> Parse(string stdout)
        => [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using JsonDocument document = JsonDocument.Parse(line);
            Assert.Equal(2, document.RootElement.EnumerateObject().Count());
            return (document.RootElement.GetProperty("id").GetString()!, document.RootElement.GetProperty("score").GetDouble());
        })];

    private static string Lines(IEnumerable<Doc> docs) => string.Concat(docs.Select(d =>
    {
        // "draft" is a boolean field; "note" is always null, so it is no field at all.
        var line = new JsonObject { ["id"] = d.Id, ["text"] = d.Text, ["year"] = d.Year, ["lang"] = d.Lang, ["draft"] = d.Year > 2020, ["note"] = null };
        if (d.Title is not null)
        {
            line["title"] = d.Title;
        }

        return line.ToJsonString() + "\n";
    }));

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private sealed record Doc(string Id, string Text, string? Title, int Year, string Lang);
}
