using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary>The bad-input list through the public API: placeholder counts both ways for every kind, a 6-hour WAV, unsupported image formats.</summary>
public sealed class MediaBadInputTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    public static TheoryData<string, int, int, int, int, string> Mismatches => new()
    {
        // text, images, videos, audio clips given, the input index that is wrong, the message
        { "one <|image|>", 2, 0, 0, 1, "has 1 <|image|> placeholder(s) in its text but 2 image(s)" },
        { "<|image|> <|image|> <|image|>", 1, 0, 0, 1, "has 3 <|image|> placeholder(s) in its text but 1 image(s)" },
        { "no placeholder at all", 0, 1, 0, 1, "has 0 <|video|> placeholder(s) in its text but 1 video(s)" },
        { "<|video|> then <|video|>", 0, 1, 0, 1, "has 2 <|video|> placeholder(s) in its text but 1 video(s)" },
        { "a memo", 0, 0, 1, 1, "has 0 <|audio|> placeholder(s) in its text but 1 audio clip(s)" },
        { "<|audio|> <|audio|>", 0, 0, 1, 1, "has 2 <|audio|> placeholder(s) in its text but 1 audio clip(s)" },
        { "<|image|> beside <|audio|>", 1, 0, 0, 1, "has 1 <|audio|> placeholder(s) in its text but 0 audio clip(s)" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Placeholders_and_media_that_do_not_pair_up_are_refused_naming_the_input(string text, int images, int videos, int clips, int index, string expected)
    {
        using var folder = new TempFolder();
        DataContent image = new(File.ReadAllBytes(TestImages.Rgb(folder.Path, "p.png", 64, 48)), "image/png") { Name = "p.png" };
        DataContent clip = new(TestClips.All[0].Bytes, "audio/wav") { Name = "memo.wav" };
        var good = new EmbeddingGemmaMultimodalInput { Text = "fine: <|image|>", Images = [image] };
        var bad = new EmbeddingGemmaMultimodalInput
        {
            Text = text,
            Images = [.. Enumerable.Repeat(image, images)],
            Videos = [.. Enumerable.Repeat((IReadOnlyList<DataContent>)[image, image], videos)],
            Audio = [.. Enumerable.Repeat(clip, clips)],
        };

        // Checked before anything is decoded or run, on the caller's thread.
        EmbeddingGemmaInputException ex = Assert.Throws<EmbeddingGemmaInputException>(() => { _ = fixture.Generator.GenerateMultimodalAsync([good, bad]); });
        Assert.Equal(index, ex.InputIndex);
        Assert.Contains($"values[{index}]", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task A_six_hour_wav_is_refused_from_its_header_naming_the_clip()
    {
        // A header declaring 6 h of 16 kHz 16-bit stereo (1.4 GB) and none of the samples: refused from the header.
        uint declared = 6u * 3600 * 16_000 * 2 * 2;
        byte[] wav = WavFileWriter.Header(2, 16_000, 16, declared);
        IEmbeddingGenerator<DataContent, Embedding<float>> media = fixture.Generator;

        EmbeddingGemmaInputException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(
            () => media.GenerateAsync([new DataContent(wav, "audio/wav") { Name = "six-hours.wav" }]));
        Assert.Equal(0, ex.InputIndex);
        Assert.Contains("values[0] audio clip 0 ('six-hours.wav', audio/wav)", ex.Message);
        Assert.Contains("lasts 06:00:00, longer than the 00:10:00 limit", ex.Message);
    }

    [Fact]
    public async Task Image_formats_outside_the_list_are_refused_naming_the_image()
    {
        IEmbeddingGenerator<DataContent, Embedding<float>> media = fixture.Generator;
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"u8.ToArray();
        EmbeddingGemmaInputException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(
            () => media.GenerateAsync([new DataContent(svg, "image/svg+xml") { Name = "logo.svg" }]));
        Assert.Contains("values[0] image 0 ('logo.svg', image/svg+xml) is not a readable image (PNG, JPEG, WebP, BMP or GIF)", ex.Message);
    }
}
