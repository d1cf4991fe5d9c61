using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary><c>embeddinggemma embed</c> with media JSON lines, as a real process over the tiny EmbeddingGemma 2 folder.</summary>
public sealed class MediaCliTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task Embed_takes_image_mixed_and_text_lines_and_matches_the_library()
    {
        using var folder = new TempFolder();
        string photos = Directory.CreateDirectory(Path.Combine(folder.Path, "photos")).FullName;
        TestImages.Rgb(photos, "a.png", 320, 240);
        TestImages.Gray(photos, "b.png", 200, 300);
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        await File.WriteAllLinesAsync(input,
        [
            JsonSerializer.Serialize(new { image = "photos/a.png" }),
            JsonSerializer.Serialize(new { text = "a photo of <|image|> beside <|image|>", images = new[] { "photos/b.png", "photos/a.png" } }),
            JsonSerializer.Serialize(new { text = "just text" }),
        ]);

        (int code, _, string stderr) = await CliProcess.RunAsync("embed", "--model", fixture.ModelDirectory, "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        string[] lines = await File.ReadAllLinesAsync(output);
        DataContent a = new(File.ReadAllBytes(Path.Combine(photos, "a.png")), "image/png");
        DataContent b = new(File.ReadAllBytes(Path.Combine(photos, "b.png")), "image/png");
        GeneratedEmbeddings<Embedding<float>> expected = await fixture.Generator.GenerateMultimodalAsync(
        [
            new EmbeddingGemmaMultimodalInput { Images = [a] },
            new EmbeddingGemmaMultimodalInput { Text = "a photo of <|image|> beside <|image|>", Images = [b, a] },
            new EmbeddingGemmaMultimodalInput { Text = "just text" },
        ]);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument line = JsonDocument.Parse(lines[i]);
            Assert.Equal(i + 1, line.RootElement.GetProperty("line").GetInt64());
            float[] vector = [.. line.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
            Assert.True(vector.Zip(expected[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second)) <= 1e-6f, $"line {i + 1}");
        }
    }

    [Fact]
    public async Task Embed_refuses_a_missing_or_corrupt_image_naming_the_line_and_writes_nothing()
    {
        using var folder = new TempFolder();
        TestImages.Rgb(folder.Path, "ok.png", 64, 64);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "broken.png"), "not a png");
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");

        foreach ((string line, string expected) in new[]
        {
            (JsonSerializer.Serialize(new { image = "missing.png" }), "line 2: media file 'missing.png' does not exist"),
            (JsonSerializer.Serialize(new { image = "broken.png" }), "line 2: the input image 0 ('broken.png', image/png) is not a readable image"),
            (JsonSerializer.Serialize(new { text = "<|image|> <|image|>", image = "ok.png" }), "line 2: the input has 2 <|image|> placeholder(s) in its text but 1 image(s)"),
        })
        {
            await File.WriteAllLinesAsync(input, [JsonSerializer.Serialize(new { image = "ok.png" }), line]);
            (int code, _, string stderr) = await CliProcess.RunAsync("embed", "--model", fixture.ModelDirectory, "--input", input, "--output", output);

            Assert.NotEqual(0, code);
            Assert.Contains(expected, stderr);
            Assert.False(File.Exists(output), stderr);
        }
    }
}
