using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Reflection;
using Microsoft.Extensions.AI;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>samples/FindMyPhotos as a real process on the tiny EmbeddingGemma 2 model: index a folder, search it with text.</summary>
public sealed class FindMyPhotosTests
{
    [Fact]
    public async Task Indexes_a_folder_and_prints_the_photos_ranked_by_the_text_query()
    {
        using var temp = new TempFolder();
        string photos = Directory.CreateDirectory(Path.Combine(temp.Path, "photos", "trip")).Parent!.FullName;
        string[] names = ["red.png", Path.Combine("trip", "blue.png"), "green.png"];
        (byte R, byte G, byte B)[] colors = [(220, 30, 30), (20, 40, 230), (30, 200, 60)];
        for (int i = 0; i < names.Length; i++)
        {
            using var image = new Image<Rgb24>(96 + (i * 40), 96);
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    Span<Rgb24> row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        row[x] = new Rgb24((byte)(colors[i].R ^ (x & 15)), colors[i].G, (byte)(colors[i].B ^ (y & 15)));
                    }
                }
            });
            await image.SaveAsPngAsync(Path.Combine(photos, names[i]));
        }

        await File.WriteAllTextAsync(Path.Combine(photos, "notes.jpg"), "not an image");
        string model = TestModels.EnsureTinyEmbeddingGemma2Model();
        const string Query = "a red photo";

        (int exitCode, string output, string errors) = await RunAsync(
            ["--model", model, "--photos", photos, "--query", Query, "--db", Path.Combine(temp.Path, "photos.db"), "--top", "3"]);

        Assert.True(exitCode == 0, $"exit {exitCode}\nstderr: {errors}");
        Assert.Contains("skipped notes.jpg: image 0 ('notes.jpg', image/*) is not a readable image", errors, StringComparison.Ordinal);
        Assert.Contains($"Indexed 3 of 4 photos from {photos}.", output, StringComparison.Ordinal);

        // The ranking and scores the library gives for the same files: query prompt for the text, no prompt for images.
        using var generator = new EmbeddingGemmaGenerator(model);
        Embedding<float> query = await generator.GenerateQueryEmbeddingAsync(Query);
        GeneratedEmbeddings<Embedding<float>> images = await ((IEmbeddingGenerator<DataContent, Embedding<float>>)generator).GenerateAsync(
            names.Select(n => new DataContent(File.ReadAllBytes(Path.Combine(photos, n)), "image/png")));
        var expected = names.Select((n, i) => (Name: n, Score: TensorPrimitives.Dot(query.Vector.Span, images[i].Vector.Span)))
            .OrderByDescending(r => r.Score).ToArray();

        string[] hits = output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
        Assert.Equal(3, hits.Length);
        for (int rank = 0; rank < 3; rank++)
        {
            string[] parts = hits[rank].Split("  ", 2);
            Assert.Equal($"{rank + 1}. {expected[rank].Score.ToString("F4", CultureInfo.CurrentCulture)}", parts[0]);
            Assert.Equal(expected[rank].Name, parts[1]);
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string[] args)
    {
        string sample = typeof(FindMyPhotosTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FindMyPhotos").Value!;
        Assert.True(File.Exists(sample), sample);
        var start = new ProcessStartInfo("dotnet");
        foreach (string arg in (string[])[sample, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("EMBEDDINGGEMMA_MODEL_PATH");
        return await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(3), "FindMyPhotos");
    }
}
