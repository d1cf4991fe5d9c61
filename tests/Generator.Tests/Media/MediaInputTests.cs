using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary>Images through the public API: one generator for text and images, the budget option, and bad media refused by name.</summary>
public sealed class MediaInputTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task The_text_generator_is_the_image_generator_and_embeds_into_the_same_space()
    {
        using var folder = new TempFolder();
        IEmbeddingGenerator<string, Embedding<float>> text = fixture.Generator;
        IEmbeddingGenerator<DataContent, Embedding<float>> images = fixture.Generator;
        Assert.Same(text, images.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));

        DataContent photo = new(File.ReadAllBytes(TestImages.Rgb(folder.Path, "p.png", 200, 150)), "image/png");
        GeneratedEmbeddings<Embedding<float>> vectors = await images.GenerateAsync([photo, photo]);
        Embedding<float> query = (await text.GenerateAsync(["a photo"]))[0];

        Assert.Equal(768, vectors[0].Vector.Length);
        Assert.Equal(vectors[0].Vector.ToArray(), vectors[1].Vector.ToArray());
        Assert.Equal(1f, vectors[0].Vector.ToArray().Sum(v => v * v), 3);
        Assert.Equal(768, query.Vector.Length);
        Assert.NotEqual(vectors[0].Vector.ToArray(), query.Vector.ToArray());

        GeneratedEmbeddings<Embedding<float>> narrow = await images.GenerateAsync([photo], new EmbeddingGenerationOptions { Dimensions = 128 });
        Assert.Equal(128, narrow[0].Vector.Length);
    }

    [Fact]
    public async Task The_vision_encoder_is_loaded_by_the_first_image_not_by_text()
    {
        using var folder = new TempFolder();
        using var generator = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        var vision = ((SkEmbeddingGemma.Media.VisualEncoder)generator.Media!.Encoders[SkEmbeddingGemma.Media.MediaKind.Image]).Session;

        await generator.GenerateAsync(["text only"]);
        Assert.False(vision.IsLoaded);

        await ((IEmbeddingGenerator<DataContent, Embedding<float>>)generator).GenerateAsync(
            [new DataContent(File.ReadAllBytes(TestImages.Rgb(folder.Path, "p.png", 64, 64)), "image/png")]);
        Assert.True(vision.IsLoaded);
    }

    [Fact]
    public async Task The_soft_token_budget_option_sets_the_tokens_per_image_and_is_validated()
    {
        using var folder = new TempFolder();
        DataContent photo = new(File.ReadAllBytes(TestImages.Rgb(folder.Path, "p.png", 640, 480)), "image/png");
        using var small = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { ImageSoftTokens = 70 });

        Embedding<float> byDefault = (await ((IEmbeddingGenerator<DataContent, Embedding<float>>)fixture.Generator).GenerateAsync([photo]))[0];
        Embedding<float> budget70 = (await ((IEmbeddingGenerator<DataContent, Embedding<float>>)small).GenerateAsync([photo]))[0];

        // 640×480 at 280: 864×624 pixels = 18×13 blocks... the processor's arithmetic: <bos> <|image> n <image|> <eos>.
        Assert.Equal(4 + 266, byDefault.AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]);
        Assert.Equal(4 + 63, budget70.AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddingGemmaGeneratorOptions { ImageSoftTokens = 100 });
    }

    [Fact]
    public async Task Bad_media_gets_typed_errors_naming_the_input_and_the_item()
    {
        IEmbeddingGenerator<DataContent, Embedding<float>> images = fixture.Generator;
        using var folder = new TempFolder();
        byte[] good = File.ReadAllBytes(TestImages.Rgb(folder.Path, "ok.png", 64, 64));

        async Task<EmbeddingGemmaInputException> Refused(DataContent content)
        {
            EmbeddingGemmaInputException ex = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => images.GenerateAsync([new(good, "image/png"), content]));
            Assert.Equal(1, ex.InputIndex);
            Assert.Contains("values[1]", ex.Message);
            return ex;
        }

        EmbeddingGemmaInputException corrupt = await Refused(new DataContent(Encoding.UTF8.GetBytes("not an image at all"), "image/png") { Name = "notes.png" });
        Assert.Contains("'notes.png'", corrupt.Message);
        Assert.Contains("not a readable image", corrupt.Message);

        EmbeddingGemmaInputException truncated = await Refused(new DataContent(good.AsMemory(0, good.Length / 2), "image/png") { Name = "cut.png" });
        Assert.Contains("'cut.png'", truncated.Message);

        EmbeddingGemmaInputException huge = await Refused(new DataContent(PngHeader(20_000, 20_000), "image/png") { Name = "huge.png" });
        Assert.Contains("20000×20000", huge.Message);

        EmbeddingGemmaInputException empty = await Refused(new DataContent(PngHeader(0, 0), "image/png") { Name = "empty.png" });
        Assert.Contains("'empty.png'", empty.Message);

        EmbeddingGemmaInputException text = Assert.Throws<EmbeddingGemmaInputException>(() => { _ = images.GenerateAsync([new DataContent(good, "text/plain")]); });
        Assert.Contains("text/plain", text.Message);

        EmbeddingGemmaInputException tooFew = Assert.Throws<EmbeddingGemmaInputException>(() => { _ = fixture.Generator.GenerateMultimodalAsync(
            [new EmbeddingGemmaMultimodalInput { Text = "<|image|> and <|image|>", Images = [new(good, "image/png")] }]); });
        Assert.Contains("2 <|image|> placeholder(s) in its text but 1 image(s)", tooFew.Message);

        EmbeddingGemmaInputException tooMany = Assert.Throws<EmbeddingGemmaInputException>(() => { _ = fixture.Generator.GenerateMultimodalAsync(
            [new EmbeddingGemmaMultimodalInput { Text = "no placeholder", Videos = [[new(good, "image/png")]] }]); });
        Assert.Contains("0 <|video|> placeholder(s) in its text but 1 video(s)", tooMany.Message);

        byte[] other = File.ReadAllBytes(TestImages.Rgb(folder.Path, "wide.png", 300, 100));
        EmbeddingGemmaInputException frames = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => fixture.Generator.GenerateMultimodalAsync(
            [new EmbeddingGemmaMultimodalInput { Videos = [[new(good, "image/png"), new(other, "image/png")]] }]));
        Assert.Contains("video 0: frame 1", frames.Message);

        Assert.Throws<EmbeddingGemmaInputException>(() => { _ = fixture.Generator.GenerateMultimodalAsync([new EmbeddingGemmaMultimodalInput()]); });
    }

    [Fact]
    public async Task A_folder_without_a_vision_encoder_embeds_text_and_refuses_images()
    {
        using var folder = new TempFolder();
        foreach (string file in Directory.EnumerateFiles(fixture.ModelDirectory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(folder.Path, Path.GetRelativePath(fixture.ModelDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!file.Contains("vision_encoder", StringComparison.Ordinal))
            {
                File.CreateSymbolicLink(target, file);
            }
        }

        using var generator = new EmbeddingGemmaGenerator(folder.Path);
        Assert.Equal(768, (await generator.GenerateAsync(["text still works"]))[0].Vector.Length);
        DataContent photo = new(File.ReadAllBytes(TestImages.Rgb(folder.Path, "p.png", 64, 64)), "image/png");
        NotSupportedException ex = await Assert.ThrowsAsync<NotSupportedException>(
            () => ((IEmbeddingGenerator<DataContent, Embedding<float>>)generator).GenerateAsync([photo]));
        Assert.Contains("vision_encoder.onnx", ex.Message);
    }

    // A PNG signature and IHDR chunk (valid CRC) declaring a size, with no pixel data.
    private static byte[] PngHeader(int width, int height)
    {
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        var chunk = new byte[17];
        Encoding.ASCII.GetBytes("IHDR").CopyTo(chunk, 0);
        BinaryPrimitives.WriteInt32BigEndian(chunk.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(chunk.AsSpan(8), height);
        chunk[12] = 8;
        chunk[13] = 2;
        png.AddRange(chunk);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(chunk));
        png.AddRange(crc);
        return [.. png];
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
