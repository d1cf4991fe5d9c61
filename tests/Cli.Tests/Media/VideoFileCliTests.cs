using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary><c>embeddinggemma embed</c> with <c>{"video": "clip.mkv"}</c> lines, as a real process, with and without FFmpeg on the PATH.</summary>
public sealed class VideoFileCliTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task Embed_takes_a_video_file_line_as_its_frames_and_without_ffmpeg_names_what_is_missing()
    {
        using var folder = new TempFolder();
        string[] frames = [.. Enumerable.Range(0, 3).Select(i => TestImages.Rgb(folder.Path, $"f{i}.png", 96, 64, seed: 20 + i))];
        await TestAssets.RunProcessAsync(
            "ffmpeg", ["-nostdin", "-v", "error", "-y", "-framerate", "1", "-i", "f%d.png", "-c:v", "ffv1", "-pix_fmt", "gbrp", "clip.mkv"], folder.Path,
            missingHint: "Install FFmpeg (apt-get install ffmpeg) to run the video file tests.");
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        await File.WriteAllLinesAsync(input,
        [
            JsonSerializer.Serialize(new { video = "clip.mkv" }),
            JsonSerializer.Serialize(new { video = new[] { "f0.png", "f1.png", "f2.png" } }),
            JsonSerializer.Serialize(new { text = "the clip <|video|>", videos = new object[] { "clip.mkv" } }),
            JsonSerializer.Serialize(new { text = "the clip <|video|>", videos = new object[] { new[] { "f0.png", "f1.png", "f2.png" } } }),
        ]);

        (int code, _, string stderr) = await CliProcess.RunAsync("embed", "--model", fixture.ModelDirectory, "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        float[][] vectors = [.. (await File.ReadAllLinesAsync(output)).Select(line =>
        {
            using JsonDocument document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        })];
        Assert.Equal(4, vectors.Length);
        Assert.Equal(vectors[1], vectors[0]);
        Assert.Equal(vectors[3], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[2]);

        // A PATH without ffmpeg: a one-line error naming the line, the file and the missing tool; nothing written.
        File.Delete(output);
        (code, _, stderr) = await CliProcess.RunAsync(
            ["embed", "--model", fixture.ModelDirectory, "--input", input, "--output", output], stdin: null, new() { ["PATH"] = "/nonexistent" });
        CliProcess.AssertOneLineError(code, stderr, "line 1");
        Assert.Contains("'clip.mkv', video/x-matroska) is a video file, and decoding video files needs ffmpeg and ffprobe on the PATH", stderr);
        Assert.False(File.Exists(output));
    }
}
