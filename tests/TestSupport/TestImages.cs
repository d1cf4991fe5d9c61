using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>Writes the deterministic test images (gradients plus seeded noise, so resizing has edges to get wrong).</summary>
public static class TestImages
{
    public static string Rgb(string folder, string name, int width, int height, int seed = 1)
    {
        using var image = new Image<Rgb24>(width, height);
        var random = new Random(seed);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    row[x] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)random.Next(256));
                }
            }
        });
        return Save(image, folder, name);
    }

    public static string Gray(string folder, string name, int width, int height)
    {
        using var image = new Image<L8>(width, height);
        var random = new Random(2);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<L8> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    row[x] = new L8((byte)(((x + y) * 255 / (width + height)) ^ (random.Next(64))));
                }
            }
        });
        string path = Path.Combine(folder, name);
        image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        return path;
    }

    public static string Alpha(string folder, string name, int width, int height)
    {
        using var image = new Image<Rgba32>(width, height);
        var random = new Random(3);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    row[x] = new Rgba32((byte)random.Next(256), (byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x * 7 + y * 3) % 256));
                }
            }
        });
        string path = Path.Combine(folder, name);
        image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        return path;
    }

    /// <summary>An RGB image stored sideways with EXIF orientation 6 (rotate 90° clockwise to view).</summary>
    public static string ExifRotated(string folder, string name, int width, int height)
    {
        string source = Rgb(folder, "unrotated-" + name, width, height, seed: 4);
        using Image<Rgb24> image = Image.Load<Rgb24>(source);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        return Save(image, folder, name);
    }

    private static string Save<TPixel>(Image<TPixel> image, string folder, string name)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        string path = Path.Combine(folder, name);
        image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Rgb });
        return path;
    }
}
