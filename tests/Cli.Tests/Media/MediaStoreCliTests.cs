using System.Text.Json;
using Microsoft.Extensions.AI;
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

    private static List<(string Id, double Score)> Hits(string stdout) =>
    [
        .. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using JsonDocument hit = JsonDocument.Parse(line);
            return (hit.RootElement.GetProperty("id").GetString()!, hit.RootElement.GetProperty("score").GetDouble());
        }),
    ];
}
