using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.ModelFactory;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary>
/// <c>embeddinggemma index</c> / <c>search</c> with media JSON lines, as real processes over a real FAISS store and the
/// tiny EmbeddingGemma 2 folder: media records are embedded as the library embeds them and found by a text query.
/// </summary>
public sealed class MediaStoreCliTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task Index_stores_image_audio_and_mixed_lines_and_search_by_text_ranks_them_as_the_library_does()
    {
        using var folder = new TempFolder();
        string photos = Directory.CreateDirectory(Path.Combine(folder.Path, "photos")).FullName;
        TestImages.Rgb(photos, "beach.png", 320, 240);
        TestImages.Gray(photos, "forest.png", 200, 300);
        string clip = TestClips.Write(folder.Path, [TestClips.All[0]])[0];
        string input = Path.Combine(folder.Path, "media.jsonl"), store = Path.Combine(folder.Path, "store.db");
        await File.WriteAllLinesAsync(input,
        [
            JsonSerializer.Serialize(new { id = "beach", image = "photos/beach.png", album = "holiday" }),
            JsonSerializer.Serialize(new { id = "forest", image = "photos/forest.png", album = "walks" }),
            JsonSerializer.Serialize(new { id = "note", audio = Path.GetFileName(clip), album = "notes" }),
            JsonSerializer.Serialize(new { id = "both", text = "<|image|> next to <|image|>", images = new[] { "photos/forest.png", "photos/beach.png" }, album = "holiday" }),
            JsonSerializer.Serialize(new { id = "plain", text = "a plain text note about the sea", album = "notes" }),
        ]);

        (int code, _, string stderr) = await CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", store, "--input", input);
        Assert.True(code == 0, stderr);
        Assert.Contains("indexed 5 records", stderr, StringComparison.Ordinal);

        // What the library gives for the same inputs: the document prompt for records, the query prompt for the query.
        DataContent beach = new(File.ReadAllBytes(Path.Combine(photos, "beach.png")), "image/png");
        DataContent forest = new(File.ReadAllBytes(Path.Combine(photos, "forest.png")), "image/png");
        DataContent note = new(File.ReadAllBytes(clip), "audio/wav");
        var document = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = EmbeddingGemmaPromptNames.Document } };
        GeneratedEmbeddings<Embedding<float>> records = await fixture.Generator.GenerateMultimodalAsync(
        [
            new EmbeddingGemmaMultimodalInput { Images = [beach] },
            new EmbeddingGemmaMultimodalInput { Images = [forest] },
            new EmbeddingGemmaMultimodalInput { Audio = [note] },
            new EmbeddingGemmaMultimodalInput { Text = "<|image|> next to <|image|>", Images = [forest, beach] },
            new EmbeddingGemmaMultimodalInput { Text = "a plain text note about the sea" },
        ], document);
        string[] ids = ["beach", "forest", "note", "both", "plain"];
        const string Query = "waves on a sunny beach";
        var query = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = EmbeddingGemmaPromptNames.Query } };
        float[] q = (await fixture.Generator.GenerateAsync([Query], query))[0].Vector.ToArray();
        var expected = ids.Select((id, i) => (Id: id, Score: (double)q.Zip(records[i].Vector.ToArray()).Sum(p => p.First * p.Second)))
            .OrderByDescending(h => h.Score).ToList();
        Assert.True(expected.Zip(expected.Skip(1)).All(p => p.First.Score - p.Second.Score > 1e-5), "the records need distinct scores to check the order");

        (code, string stdout, stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", store, "--query", Query, "--top", "10");

        Assert.True(code == 0, stderr);
        var hits = Hits(stdout);
        Assert.Equal(expected.Select(h => h.Id), hits.Select(h => h.Id));
        Assert.All(expected.Zip(hits), p => Assert.True(Math.Abs(p.First.Score - p.Second.Score) <= 1e-4, $"{p.First.Id}: {p.First.Score} vs {p.Second.Score}"));

        // The records' data is stored with them: a filter on it returns only those media records.
        (code, stdout, stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", store, "--query", Query, "--filter", "album=holiday");
        Assert.True(code == 0, stderr);
        Assert.Equal(expected.Where(h => h.Id is "beach" or "both").Select(h => h.Id), Hits(stdout).Select(h => h.Id));
    }

    [Fact]
    public async Task Index_refuses_a_corrupt_image_line_naming_it_before_anything_is_written()
    {
        using var folder = new TempFolder();
        TestImages.Rgb(folder.Path, "ok.png", 64, 64);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "broken.png"), "not a png");
        string store = Path.Combine(folder.Path, "store.db"), first = Path.Combine(folder.Path, "first.jsonl"), second = Path.Combine(folder.Path, "second.jsonl");
        await File.WriteAllLinesAsync(first, [JsonSerializer.Serialize(new { id = "kept", image = "ok.png" })]);
        (int code, _, string stderr) = await CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", store, "--input", first);
        Assert.True(code == 0, stderr);

        // Text lines before and after the bad one: none of them may reach the store.
        await File.WriteAllLinesAsync(second,
        [
            JsonSerializer.Serialize(new { id = "text-before", text = "written first if lines were committed as read" }),
            JsonSerializer.Serialize(new { id = "also-ok", image = "ok.png" }),
            JsonSerializer.Serialize(new { id = "bad", image = "broken.png" }),
            JsonSerializer.Serialize(new { id = "text-after", text = "after the bad line" }),
        ]);
        (code, _, stderr) = await CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", store, "--input", second);

        Assert.NotEqual(0, code);
        Assert.Contains("line 3: the input image 0 ('broken.png', image/png) is not a readable image", stderr, StringComparison.Ordinal);
        (code, string stdout, stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", store, "--query", "anything", "--top", "10");
        Assert.True(code == 0, stderr);
        Assert.Equal(["kept"], Hits(stdout).Select(h => h.Id));
    }

    [Fact]
    public async Task A_text_store_takes_media_lines_in_a_later_run_and_a_text_query_ranks_all_records_as_the_library_does()
    {
        using var folder = new TempFolder();
        TestImages.Rgb(folder.Path, "harbour.png", 300, 200, seed: 3);
        TestImages.Alpha(folder.Path, "logo.png", 96, 128);
        string clip = TestClips.Write(folder.Path, [TestClips.All[1]])[0];
        string store = Path.Combine(folder.Path, "store.db"), texts = Path.Combine(folder.Path, "texts.jsonl"), media = Path.Combine(folder.Path, "media.jsonl");

        // First run: text lines only, a store as every earlier version of the CLI wrote it (the collection's definition is unchanged).
        await File.WriteAllLinesAsync(texts,
        [
            JsonSerializer.Serialize(new { id = "boats", text = "fishing boats moored in a small harbour", title = "Harbour" }),
            JsonSerializer.Serialize(new { id = "cake", text = "a recipe for lemon cake" }),
        ]);
        (int code, _, string stderr) = await CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", store, "--input", texts);
        Assert.True(code == 0, stderr);

        // Second run, another process: image, audio, mixed and text lines in one batch, into the same collection.
        await File.WriteAllLinesAsync(media,
        [
            JsonSerializer.Serialize(new { id = "harbour", image = "harbour.png", title = "Photo" }),
            JsonSerializer.Serialize(new { id = "memo", audio = Path.GetFileName(clip) }),
            JsonSerializer.Serialize(new { id = "poster", text = "the club logo <|image|>", images = new[] { "logo.png" } }),
            JsonSerializer.Serialize(new { id = "ferry", text = "the ferry timetable" }),
        ]);
        (code, _, stderr) = await CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", store, "--input", media);
        Assert.True(code == 0, stderr);
        Assert.Contains("indexed 4 records", stderr, StringComparison.Ordinal);

        DataContent harbour = new(File.ReadAllBytes(Path.Combine(folder.Path, "harbour.png")), "image/png");
        DataContent logo = new(File.ReadAllBytes(Path.Combine(folder.Path, "logo.png")), "image/png");
        DataContent memo = new(File.ReadAllBytes(clip), "audio/wav");
        const string Query = "boats in the harbour";
        List<(string Id, double Score)> expected = await ExpectedAsync(Query,
        [
            ("boats", new() { Text = "fishing boats moored in a small harbour" }, "Harbour"),
            ("cake", new() { Text = "a recipe for lemon cake" }, null),
            ("harbour", new() { Images = [harbour] }, "Photo"),
            ("memo", new() { Audio = [memo] }, null),
            ("poster", new() { Text = "the club logo <|image|>", Images = [logo] }, null),
            ("ferry", new() { Text = "the ferry timetable" }, null),
        ]);

        (code, string stdout, stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", store, "--query", Query, "--top", "10");

        Assert.True(code == 0, stderr);
        List<(string Id, double Score)> hits = Hits(stdout);
        Assert.Equal(expected.Select(h => h.Id), hits.Select(h => h.Id));
        Assert.All(expected.Zip(hits), p => Assert.True(Math.Abs(p.First.Score - p.Second.Score) <= 1e-4, $"{p.First.Id}: {p.First.Score} vs {p.Second.Score}"));
    }

    [Fact]
    public async Task A_store_of_media_lines_only_records_its_model_and_refuses_another_v2_model_leaving_the_store_as_it_was()
    {
        using var folder = new TempFolder();
        TestImages.Rgb(folder.Path, "a.png", 120, 90);
        string input = Path.Combine(folder.Path, "media.jsonl"), store = Path.Combine(folder.Path, "store.db");
        await File.WriteAllLinesAsync(input, [JsonSerializer.Serialize(new { id = "a", image = "a.png" })]);
        (int code, _, string stderr) = await CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", store, "--input", input);
        Assert.True(code == 0, stderr);

        // Same shapes, tokenizer and folder name, other weights: its image vectors only look comparable.
        using var other = new TempFolder();
        string otherModel = Path.Combine(other.Path, Path.GetFileName(Path.TrimEndingDirectorySeparator(fixture.ModelDirectory)));
        EmbeddingGemma2ModelWriter.Write(otherModel, EmbeddingGemma2Config.Tiny, TestModels.Seed + 7, EmbeddingGemma2TestTokenizer.Directory);
        string before = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(store)));
        string indexedWith = (fixture.Generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata)!.DefaultModelId!;

        (code, string stdout, stderr) = await CliProcess.RunAsync("search", "--model", otherModel, "--store", store, "--query", "a photo");
        (int indexCode, _, string indexStderr) = await CliProcess.RunAsync("index", "--model", otherModel, "--store", store, "--input", input);

        Assert.Equal("", stdout);
        CliProcess.AssertOneLineError(code, stderr, indexedWith);
        CliProcess.AssertOneLineError(indexCode, indexStderr, indexedWith);
        Assert.Equal(before, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(store))));
        (code, stdout, stderr) = await CliProcess.RunAsync("search", "--model", fixture.ModelDirectory, "--store", store, "--query", "a photo");
        Assert.True(code == 0, stderr);
        Assert.Equal(["a"], Hits(stdout).Select(h => h.Id));
    }

    // The library's ranking: records with the document prompt (and their title), the query with the query prompt.
    private async Task<List<(string Id, double Score)>> ExpectedAsync(string query, (string Id, EmbeddingGemmaMultimodalInput Input, string? Title)[] records)
    {
        var embedded = new List<float[]>();
        foreach ((_, EmbeddingGemmaMultimodalInput input, string? title) in records)
        {
            EmbeddingGenerationOptions document = EmbeddingGemmaGenerationOptions.ForDocuments([title]);
            bool media = input.Images.Count + input.Videos.Count + input.Audio.Count > 0;
            GeneratedEmbeddings<Embedding<float>> vector = media
                ? await fixture.Generator.GenerateMultimodalAsync([input], document)
                : await fixture.Generator.GenerateAsync([input.Text!], document);
            embedded.Add(vector[0].Vector.ToArray());
        }

        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = EmbeddingGemmaPromptNames.Query } };
        float[] q = (await fixture.Generator.GenerateAsync([query], options))[0].Vector.ToArray();
        var expected = records.Select((r, i) => (r.Id, Score: (double)q.Zip(embedded[i]).Sum(p => p.First * p.Second))).OrderByDescending(h => h.Score).ToList();
        Assert.True(expected.Zip(expected.Skip(1)).All(p => p.First.Score - p.Second.Score > 1e-5), "the records need distinct scores to check the order");
        return expected;
    }

    private static List<(string Id, double Score)> Hits(string stdout) =>
    [
        .. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using JsonDocument hit = JsonDocument.Parse(line);
            return (hit.RootElement.GetProperty("id").GetString()!, hit.RootElement.GetProperty("score").GetDouble());
        }),
    ];
}
