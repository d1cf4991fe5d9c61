using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media.Formats;

/// <summary>
/// One image per format, bit depth, colour type and EXIF orientation the generator accepts, written by ImageSharp's
/// encoders into a temp folder, and one run of transformers.js 4.3.1 (<c>formats2.mjs</c>) reading each file as it does
/// in Node.js (sharp) and embedding it alone with the tiny model.
/// </summary>
public sealed class ImageFormatFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public ImageFormatFixture()
    {
        ModelDirectory = TestModels.EnsureTinyEmbeddingGemma2Model();
        Generator = new EmbeddingGemmaGenerator(ModelDirectory);
        string f = _folder.Path;
        var cases = new List<FormatCase>
        {
            new("rgb.png", Save(f, "rgb.png", Rgba(300, 200, opaque: true), new PngEncoder { ColorType = PngColorType.Rgb }), Decoding.Exact),
            new("rgba.png", Save(f, "rgba.png", Rgba(257, 190, opaque: false), new PngEncoder { ColorType = PngColorType.RgbWithAlpha }), Decoding.Exact),
            new("gray-as-rgb.png", Save(f, "gray-as-rgb.png", Rgba(220, 160, opaque: false, gray: true), new PngEncoder { ColorType = PngColorType.Rgb }), Decoding.Exact),
            new("gray-alpha.png", Save(f, "gray-alpha.png", Rgba(220, 160, opaque: false, gray: true), new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha }), Decoding.NotInSharp, Twin: 2),
            new("palette.png", Save(f, "palette.png", Rgba(240, 180, opaque: true, levels: 6), new PngEncoder { ColorType = PngColorType.Palette }), Decoding.Exact),
            new("palette-transparent.png", Save(f, "palette-transparent.png", Rgba(240, 180, opaque: false, levels: 6), new PngEncoder { ColorType = PngColorType.Palette }), Decoding.Exact),
            new("rgb16.png", Save(f, "rgb16.png", Rgb48(210, 150), new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 }), Decoding.Exact),
            new("gray16.png", Save(f, "gray16.png", Gray16(150, 210), new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 }), Decoding.Exact),
            new("rgb.webp", Save(f, "rgb.webp", Rgba(300, 200, opaque: true), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }), Decoding.Exact),
            new("rgba.webp", Save(f, "rgba.webp", Rgba(257, 190, opaque: false), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }), Decoding.Exact),
            new("first-frame.gif", Save(f, "first-frame.gif", Animated(200, 140), new GifEncoder()), Decoding.Exact),
            new("transparent.gif", Save(f, "transparent.gif", Rgba(180, 120, opaque: false, levels: 4, binaryAlpha: true), new GifEncoder()), Decoding.Exact),
            new("rgb.jpg", Save(f, "rgb.jpg", Smooth(320, 240), new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio420 }), Decoding.Lossy),
            new("rgb444.jpg", Save(f, "rgb444.jpg", Smooth(320, 240), new JpegEncoder { Quality = 95, ColorType = JpegColorType.YCbCrRatio444 }), Decoding.Lossy),
            new("gray.jpg", Save(f, "gray.jpg", Smooth(240, 320), new JpegEncoder { Quality = 90, ColorType = JpegColorType.Luminance }), Decoding.Lossy),
            new("lossy.webp", Save(f, "lossy.webp", Smooth(320, 240), new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 90 }), Decoding.Exact),
            new("rgb24.bmp", Save(f, "rgb24.bmp", Rgba(300, 200, opaque: true), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 }), Decoding.NotInSharp, Twin: 0),
            new("rgba32.bmp", Save(f, "rgba32.bmp", Rgba(257, 190, opaque: false), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32, SupportTransparency = true }), Decoding.NotInSharp, Twin: 1),
        };

        // Every EXIF orientation, on a lossless PNG (exact) and on a JPEG (the orientation is what is checked there).
        for (ushort orientation = 1; orientation <= 8; orientation++)
        {
            cases.Add(new($"exif{orientation}.png", Save(f, $"exif{orientation}.png", Oriented(Rgba(96, 48, opaque: true), orientation), new PngEncoder { ColorType = PngColorType.Rgb }), Decoding.Exact, Orientation: orientation));
        }

        cases.Add(new("exif6.jpg", Save(f, "exif6.jpg", Oriented(Smooth(320, 200), 6), new JpegEncoder { Quality = 90 }), Decoding.Lossy, Orientation: 6));
        cases.Add(new("exif8.jpg", Save(f, "exif8.jpg", Oriented(Smooth(320, 200), 8), new JpegEncoder { Quality = 90 }), Decoding.Lossy, Orientation: 8));
        Cases = [.. cases];

        string input = Path.Combine(f, "request.json");
        OutputDirectory = Path.Combine(f, "reference");
        Directory.CreateDirectory(OutputDirectory);
        File.WriteAllText(input, JsonSerializer.Serialize(new { images = Cases.Select(c => c.Path) }));
        NodeReference.RunScriptAsync("formats2.mjs", ModelDirectory, input, OutputDirectory).GetAwaiter().GetResult();
        using JsonDocument result = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "result.json")));
        References = [.. result.RootElement.GetProperty("images").EnumerateArray().Select(e => e.TryGetProperty("error", out JsonElement error)
            ? new Reference(error.GetString(), 0, 0, 0, 0, [])
            : new Reference(null, e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(), e.GetProperty("channels").GetInt32(),
                e.GetProperty("numSoftTokens").GetInt32(), [.. e.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())]))];
    }

    public enum Decoding
    {
        /// <summary>Lossless: sharp and ImageSharp must decode the same pixels.</summary>
        Exact,

        /// <summary>Lossy: two decoders (libjpeg-turbo / libwebp vs ImageSharp) round differently; bounded.</summary>
        Lossy,

        /// <summary>
        /// transformers.js cannot read it in Node.js (sharp has no BMP reader; a gray + alpha PNG makes RawImage.rgb()
        /// throw): compared with a lossless twin holding the pixels transformers.js would use (gray repeated, alpha dropped).
        /// </summary>
        NotInSharp,
    }

    public string ModelDirectory { get; }

    public EmbeddingGemmaGenerator Generator { get; }

    public FormatCase[] Cases { get; }

    public Reference[] References { get; }

    public string OutputDirectory { get; }

    public byte[] ReferenceRgb(int image) => File.ReadAllBytes(Path.Combine(OutputDirectory, $"image{image}.rgb"));

    public float[] ReferencePixels(int image) => ReferenceImageFiles.Pixels(OutputDirectory, image);

    public long[] ReferencePositions(int image) => ReferenceImageFiles.Positions(OutputDirectory, image);

    public void Dispose()
    {
        Generator.Dispose();
        _folder.Dispose();
    }

    private static string Save(string folder, string name, Image image, IImageEncoder encoder)
    {
        using (image)
        {
            string path = Path.Combine(folder, name);
            image.Save(path, encoder);
            return path;
        }
    }

    // Gradients and seeded noise; levels > 0 keeps few colours (palette formats), alpha varies unless opaque.
    private static Image<Rgba32> Rgba(int width, int height, bool opaque, bool gray = false, int levels = 0, bool binaryAlpha = false)
    {
        var image = new Image<Rgba32>(width, height);
        var random = new Random(width * 31 + height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    int r = x * 255 / width, g = y * 255 / height, b = random.Next(256);
                    if (gray)
                    {
                        r = g = b = (r + g + b) / 3;
                    }

                    if (levels > 0)
                    {
                        int step = 255 / (levels - 1);
                        (r, g, b) = (r / step * step, g / step * step, b / step * step);
                    }

                    int a = opaque ? 255 : binaryAlpha ? ((x / 10 + y / 10) % 3 == 0 ? 0 : 255) : (x * 7 + y * 3) % 256;
                    row[x] = new Rgba32((byte)r, (byte)g, (byte)b, (byte)a);
                }
            }
        });
        return image;
    }

    // Low-frequency content, as photos have: lossy codecs then differ by rounding, not by how they ring on noise.
    private static Image<Rgb24> Smooth(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    row[x] = new Rgb24(
                        (byte)(127.5 + 120 * Math.Sin(x / 23.0) * Math.Cos(y / 31.0)),
                        (byte)(x * 255 / width),
                        (byte)(y < height / 2 ? 40 + y * 150 / height : 230 - x * 100 / width));
                }
            }
        });
        return image;
    }

    // 16-bit samples whose low bytes are not their high bytes, so the reduction to 8 bits matters.
    private static Image<Rgb48> Rgb48(int width, int height)
    {
        var image = new Image<Rgb48>(width, height);
        var random = new Random(48);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgb48> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    row[x] = new Rgb48((ushort)(x * 65535 / width), (ushort)(y * 65535 / height), (ushort)random.Next(65536));
                }
            }
        });
        return image;
    }

    private static Image<L16> Gray16(int width, int height)
    {
        var image = new Image<L16>(width, height);
        var random = new Random(16);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<L16> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    row[x] = new L16((ushort)(((x + y) * 65535 / (width + height)) ^ random.Next(4096)));
                }
            }
        });
        return image;
    }

    // Two frames that differ everywhere: only the first may be used.
    private static Image<Rgba32> Animated(int width, int height)
    {
        Image<Rgba32> image = Rgba(width, height, opaque: true, levels: 5);
        using Image<Rgba32> second = Rgba(width, height, opaque: true, levels: 5);
        second.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                foreach (ref Rgba32 p in rows.GetRowSpan(y))
                {
                    p = new Rgba32((byte)(255 - p.R), (byte)(255 - p.G), (byte)(255 - p.B), 255);
                }
            }
        });
        image.Frames.AddFrame(second.Frames.RootFrame);
        return image;
    }

    private static Image Oriented(Image image, ushort orientation)
    {
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        return image;
    }

    /// <summary>One generated file.</summary>
    /// <param name="Name">The file name.</param>
    /// <param name="Path">The absolute path.</param>
    /// <param name="Decoding">How sharp's reading and ours compare.</param>
    /// <param name="Twin">For formats sharp cannot read: the case holding the same pixels losslessly.</param>
    /// <param name="Orientation">The EXIF orientation tag written, if any.</param>
    public sealed record FormatCase(string Name, string Path, Decoding Decoding, int Twin = -1, int Orientation = 0);

    public sealed record Reference(string? Error, int Width, int Height, int Channels, int SoftTokens, float[] Embedding);
}
