using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Media.Video;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tests.Media.Video;

/// <summary>
/// Video files through the public API: frames generated as PNGs, encoded losslessly by FFmpeg in the test (FFV1 in
/// Matroska, planar RGB), embedded as a file and as the frames transformers.js' <c>load_video</c> + video processor
/// would take from it, given as images; and bad files refused by name.
/// </summary>
public sealed class VideoFileTests(TinyEmbeddingGemma2Fixture fixture, ITestOutputHelper output) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task A_video_file_embeds_as_its_frames_given_as_images_at_one_frame_per_second()
    {
        using var folder = new TempFolder();
        string[] frames = Frames(folder.Path, 4, 160, 120);
        DataContent clip = await Encode(folder.Path, "clip.mkv", frames, rate: 1);

        // 4 s at the default 1 fps: times 0, 1, 2, 3 s, frames 0..3.
        await AssertSameEmbedding(fixture.Generator, clip, frames);

        // The IEmbeddingGenerator<DataContent, ...> side takes a video/* value as a video file too.
        Embedding<float> viaDataContent = (await ((IEmbeddingGenerator<DataContent, Embedding<float>>)fixture.Generator).GenerateAsync([clip]))[0];
        Embedding<float> viaFrames = (await fixture.Generator.GenerateMultimodalAsync([new EmbeddingGemmaMultimodalInput { Videos = [[.. frames.Select(Png)]] }]))[0];
        Assert.Equal(viaFrames.Vector.ToArray(), viaDataContent.Vector.ToArray());
    }

    [Fact]
    public async Task Sampling_above_the_frame_rate_repeats_frames_and_long_videos_keep_max_frames_evenly()
    {
        using var folder = new TempFolder();
        string[] frames = Frames(folder.Path, 40, 64, 48);
        DataContent slow = await Encode(folder.Path, "slow.mkv", frames[..3], rate: 1);
        DataContent fast = await Encode(folder.Path, "fast.mkv", frames, rate: 8);

        // 3 s sampled at 2 fps: times 0, 0.5, ..., 2.5 s show frames 0, 0, 1, 1, 2, 2.
        using var twice = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { VideoFramesPerSecond = 2 });
        await AssertSameEmbedding(twice, slow, [frames[0], frames[0], frames[1], frames[1], frames[2], frames[2]]);

        // 5 s at 8 fps sampled at 8 fps: 40 times, more than max_frames (32): np.linspace(0, 39, 32) of them, as the
        // video processor takes 32 of the 40 frames given as images.
        using var native = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { VideoFramesPerSecond = 8 });
        await AssertSameEmbedding(native, fast, frames);
    }

    [Fact]
    public async Task Bad_video_files_get_typed_errors_naming_the_input()
    {
        using var folder = new TempFolder();
        string[] frames = Frames(folder.Path, 2, 32, 32);
        DataContent good = await Encode(folder.Path, "good.mkv", frames, rate: 1);

        async Task<EmbeddingGemmaInputException> Refused(DataContent video)
        {
            EmbeddingGemmaInputException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => fixture.Generator.GenerateMultimodalAsync(
                [new EmbeddingGemmaMultimodalInput { Videos = [[good]] }, new EmbeddingGemmaMultimodalInput { Text = "clip: <|video|>", Videos = [[video]] }]));
            Assert.Equal(1, ex.InputIndex);
            Assert.Contains($"values[1] video 0 ('{video.Name}', {video.MediaType})", ex.Message);
            output.WriteLine(ex.Message);
            return ex;
        }

        Assert.Contains("is empty (0 bytes)", (await Refused(new DataContent(Array.Empty<byte>(), "video/mp4") { Name = "empty.mp4" })).Message);
        Assert.Contains("not a readable video", (await Refused(new DataContent("this is not a video"u8.ToArray(), "video/mp4") { Name = "notes.mp4" })).Message);

        byte[] bytes = good.Data.ToArray();
        EmbeddingGemmaInputException cut = await Refused(new DataContent(bytes.AsMemory(0, bytes.Length / 2), "video/x-matroska") { Name = "cut.mkv" });
        Assert.Contains("is corrupt or truncated: File ended prematurely", cut.Message);
        Assert.DoesNotContain(Path.GetTempPath(), cut.Message);

        // FFV1's fourcc in the Matroska header replaced: a codec no FFmpeg decodes.
        byte[] unknown = Replace(bytes, "FFV1"u8.ToArray(), "ZZZ9"u8.ToArray());
        Assert.Contains("video codec this FFmpeg cannot decode", (await Refused(new DataContent(unknown, "video/x-matroska") { Name = "odd.mkv" })).Message);

        string wav = Path.Combine(folder.Path, "tone.wav");
        await Ffmpeg(folder.Path, "-f", "lavfi", "-i", "sine=duration=1", wav);
        Assert.Contains("has no video stream", (await Refused(new DataContent(File.ReadAllBytes(wav), "video/x-wav") { Name = "tone.wav" })).Message);

        string longClip = Path.Combine(folder.Path, "long.mkv");
        await Ffmpeg(folder.Path, "-f", "lavfi", "-i", "color=size=16x16:rate=1:duration=601", "-c:v", "ffv1", longClip);
        Assert.Contains("lasts 601.0 s, longer than this library decodes (600 s)", (await Refused(new DataContent(File.ReadAllBytes(longClip), "video/x-matroska") { Name = "long.mkv" })).Message);

        EmbeddingGemmaInputException mixed = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => fixture.Generator.GenerateMultimodalAsync(
            [new EmbeddingGemmaMultimodalInput { Videos = [[good, Png(frames[0])]] }]));
        Assert.Contains("mixes a video file with other parts", mixed.Message);
    }

    [Fact]
    public void Without_ffmpeg_on_the_path_a_video_file_is_refused_naming_what_is_missing()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "ffprobe"), "#!/bin/sh\n");
        var decoder = new VideoFileDecoder(1, 32, truncate: false) { SearchPath = folder.Path + Path.PathSeparator + "/nonexistent" };
        NotSupportedException ex = Assert.Throws<NotSupportedException>(() => decoder.Decode(new byte[] { 1, 2, 3 }, "video 0 ('clip.mp4', video/mp4)", (_, _) => { }));
        Assert.Contains("video 0 ('clip.mp4', video/mp4) is a video file, and decoding video files needs ffmpeg on the PATH", ex.Message);
        Assert.Contains("apt-get install ffmpeg", ex.Message);

        var neither = new VideoFileDecoder(1, 32, truncate: false) { SearchPath = string.Empty };
        Assert.Contains("needs ffmpeg and ffprobe on the PATH", Assert.Throws<NotSupportedException>(() => neither.Decode(new byte[] { 1 }, "clip", (_, _) => { })).Message);
    }

    private async Task AssertSameEmbedding(EmbeddingGemmaGenerator generator, DataContent file, string[] frames)
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateMultimodalAsync(
        [
            new EmbeddingGemmaMultimodalInput { Text = "a clip: <|video|>", Videos = [[file]] },
            new EmbeddingGemmaMultimodalInput { Text = "a clip: <|video|>", Videos = [[.. frames.Select(Png)]] },
        ]);
        float max = embeddings[0].Vector.ToArray().Zip(embeddings[1].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second));
        object? tokens = embeddings[0].AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName];
        output.WriteLine($"{file.Name}: {frames.Length} frames, {tokens} tokens, file vs frames max |diff| {max:E2}");
        Assert.Equal(embeddings[1].AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName], tokens);
        Assert.True(max <= 1e-5f, $"{file.Name}: max |diff| {max}");
    }

    private static string[] Frames(string folder, int count, int width, int height) =>
        [.. Enumerable.Range(0, count).Select(i => TestImages.Rgb(folder, $"frame{i:D3}.png", width, height, seed: 100 + i))];

    private static DataContent Png(string path) => new(File.ReadAllBytes(path), "image/png") { Name = Path.GetFileName(path) };

    // Lossless: FFV1 keeps planar RGB exactly, so decoding gives back the PNGs' pixels.
    private static async Task<DataContent> Encode(string folder, string name, string[] frames, int rate)
    {
        string list = Path.Combine(folder, name + ".frames");
        Directory.CreateDirectory(list);
        for (int i = 0; i < frames.Length; i++)
        {
            File.Copy(frames[i], Path.Combine(list, $"{i:D4}.png"));
        }

        string path = Path.Combine(folder, name);
        await Ffmpeg(folder, "-framerate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", Path.Combine(list, "%04d.png"), "-c:v", "ffv1", "-pix_fmt", "gbrp", path);
        return new DataContent(File.ReadAllBytes(path), "video/x-matroska") { Name = name };
    }

    private static Task<string> Ffmpeg(string folder, params string[] arguments) =>
        TestAssets.RunProcessAsync("ffmpeg", ["-nostdin", "-v", "error", "-y", .. arguments], folder, missingHint: "Install FFmpeg (apt-get install ffmpeg) to run the video file tests.");

    private static byte[] Replace(byte[] data, byte[] find, byte[] with)
    {
        int at = data.AsSpan().IndexOf(find);
        Assert.True(at >= 0);
        byte[] copy = [.. data];
        with.CopyTo(copy, at);
        return copy;
    }
}
