using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary>
/// The tiny EmbeddingGemma 2 folder (with its vision encoder), the generated test images, and one run of
/// transformers.js 4.3.1 (<c>media2.mjs</c>) over them: per-image processor outputs and per-sample ids and embeddings.
/// </summary>
public sealed class MultimodalReferenceFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public MultimodalReferenceFixture()
    {
        ModelDirectory = TestModels.EnsureTinyEmbeddingGemma2Model();
        Generator = new EmbeddingGemmaGenerator(ModelDirectory);
        string f = _folder.Path;
        Images =
        [
            TestImages.Rgb(f, "upscaled-300x200.png", 300, 200),
            TestImages.Rgb(f, "exact-768x768.png", 768, 768),
            TestImages.Rgb(f, "wide-1000x333.png", 1000, 333),
            TestImages.Rgb(f, "tall-130x900.png", 130, 900),
            TestImages.Gray(f, "gray-500x400.png", 500, 400),
            TestImages.Alpha(f, "alpha-640x480.png", 640, 480),
            TestImages.ExifRotated(f, "exif6-320x200.png", 320, 200),
            TestImages.Rgb(f, "frame-a-384x384.png", 384, 384, seed: 5),
            TestImages.Rgb(f, "frame-b-384x384.png", 384, 384, seed: 6),
            TestImages.Rgb(f, "thin-400x20.png", 400, 20, seed: 7),
        ];
        Samples =
        [
            new Sample(null, [1], []),
            new Sample("a photo of <|image|> next to <|video|>, then <|image|>", [1, 1], [[7, 8]]),
            new Sample(null, [], [[7, 8, 7]]),
            new Sample(null, [0], []),
            new Sample(null, [2], []),
            new Sample(null, [4], []),
            new Sample(null, [5], []),
            new Sample(null, [6], []),
            new Sample("two views: <|image|> <|image|>", [3, 9], []),
        ];

        string input = Path.Combine(f, "request.json");
        OutputDirectory = Path.Combine(f, "reference");
        Directory.CreateDirectory(OutputDirectory);
        File.WriteAllText(input, JsonSerializer.Serialize(new
        {
            images = Images,
            samples = Samples.Select(s => new { text = s.Text, images = s.Images, videos = s.Videos }),
        }));
        NodeReference.RunScriptAsync("media2.mjs", ModelDirectory, input, OutputDirectory).GetAwaiter().GetResult();
        using JsonDocument result = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "result.json")));
        ReferenceImages = [.. result.RootElement.GetProperty("images").EnumerateArray().Select(e => new ReferenceImage(
            e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(), e.GetProperty("numSoftTokens").GetInt32(), e.GetProperty("numPatches").GetInt32()))];
        ReferenceSamples = [.. result.RootElement.GetProperty("samples").EnumerateArray().Select(e => new ReferenceSample(
            [.. e.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32())],
            [.. e.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())]))];
    }

    public string ModelDirectory { get; }

    public EmbeddingGemmaGenerator Generator { get; }

    public string[] Images { get; }

    public Sample[] Samples { get; }

    public string OutputDirectory { get; }

    public ReferenceImage[] ReferenceImages { get; }

    public ReferenceSample[] ReferenceSamples { get; }

    public float[] ReferencePixels(int image) => ReferenceImageFiles.Pixels(OutputDirectory, image);

    public long[] ReferencePositions(int image) => ReferenceImageFiles.Positions(OutputDirectory, image);

    public void Dispose()
    {
        Generator.Dispose();
        _folder.Dispose();
    }

    public sealed record Sample(string? Text, int[] Images, int[][] Videos);

    public sealed record ReferenceImage(int Width, int Height, int SoftTokens, int Patches);

    public sealed record ReferenceSample(int[] Ids, float[] Embedding);
}
