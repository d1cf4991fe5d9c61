using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// Decodes PNG, JPEG, WebP, BMP and GIF (first frame) into RGB with ImageSharp, as transformers.js does with sharp in
/// Node: EXIF orientation applied, grayscale repeated over the three channels, alpha dropped (not composited), and
/// 16-bit samples cut to their high byte as libvips does (ImageSharp would round them).
/// </summary>
/// <remarks>
/// The header is read first, so an image too large to decode is refused before any pixel memory is taken: at most
/// <see cref="MaxSide"/> pixels a side and <see cref="MaxPixels"/> pixels in all.
/// </remarks>
internal static class ImageDecoder
{
    /// <summary>The longest side accepted, in pixels.</summary>
    public const int MaxSide = 16_384;

    /// <summary>The most pixels accepted (width × height).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    private static readonly Configuration s_configuration = Configuration.Default;

    /// <summary>Decodes one encoded image.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="describe">Names the image in messages (e.g. <c>image 2 ('cat.png')</c>).</param>
    /// <returns>The RGB pixels after EXIF orientation.</returns>
    /// <exception cref="InvalidDataException">The bytes are no supported image, are corrupt, or the image is empty or too large.</exception>
    public static RgbImage Decode(ReadOnlyMemory<byte> data, string describe)
    {
        if (data.IsEmpty)
        {
            throw new InvalidDataException($"{describe} is empty (0 bytes).");
        }

        IImageInfo info;
        try
        {
            using var header = new MemoryStream(data.ToArray(), writable: false);
            info = Image.Identify(s_configuration, header) ?? throw new InvalidDataException(
                $"{describe} is not a readable image (PNG, JPEG, WebP, BMP or GIF): its format is not recognized.");
        }
        catch (Exception ex) when (ex is UnknownImageFormatException or ImageFormatException or NotSupportedException)
        {
            throw new InvalidDataException($"{describe} is not a readable image (PNG, JPEG, WebP, BMP or GIF): {ex.Message}", ex);
        }

        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidDataException($"{describe} has no pixels ({info.Width}×{info.Height}).");
        }

        if (info.Width > MaxSide || info.Height > MaxSide || (long)info.Width * info.Height > MaxPixels)
        {
            throw new InvalidDataException(
                $"{describe} is {info.Width}×{info.Height} pixels, more than this library decodes (at most {MaxSide} a side and " +
                $"{MaxPixels / (1024 * 1024)} megapixels); scale it down first.");
        }

        try
        {
            using var stream = new MemoryStream(data.ToArray(), writable: false);
            IImageFormat? format = Image.DetectFormat(s_configuration, stream);
            IImageDecoder? decoder = DecoderFor(format);
            stream.Position = 0;
            // The IHDR chunk's bit depth (byte 24: signature 8, length 4, type 4, width 4, height 4).
            if (format is PngFormat && data.Length > 24 && data.Span[24] == 16)
            {
                return HighBytes(Image.Load<Rgb48>(s_configuration, stream));
            }

            using Image<Rgb24> image = decoder is null ? Image.Load<Rgb24>(s_configuration, stream) : Image.Load<Rgb24>(s_configuration, stream, decoder);
            image.Mutate(x => x.AutoOrient());
            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return new RgbImage(image.Width, image.Height, pixels);
        }
        catch (Exception ex) when (ex is ImageFormatException or UnknownImageFormatException or NotSupportedException or InvalidImageContentException)
        {
            throw new InvalidDataException($"{describe} is corrupt or truncated: {ex.Message}", ex);
        }
    }

    // sharp hands transformers.js 8-bit samples: libvips turns 16-bit ones into 8 by a right shift (v >> 8), where
    // ImageSharp's Rgb48 -> Rgb24 rounds (v * 255 / 65535); the two differ by one on about a quarter of the samples.
    private static RgbImage HighBytes(Image<Rgb48> wide)
    {
        using (wide)
        {
            wide.Mutate(x => x.AutoOrient());
            var pixels = new byte[wide.Width * wide.Height * 3];
            wide.ProcessPixelRows(rows =>
            {
                for (int y = 0, offset = 0; y < rows.Height; y++)
                {
                    foreach (Rgb48 p in rows.GetRowSpan(y))
                    {
                        pixels[offset++] = (byte)(p.R >> 8);
                        pixels[offset++] = (byte)(p.G >> 8);
                        pixels[offset++] = (byte)(p.B >> 8);
                    }
                }
            });
            return new RgbImage(wide.Width, wide.Height, pixels);
        }
    }

    // GIF: the first frame only, as sharp reads it (and no memory for the other frames).
    private static IImageDecoder? DecoderFor(IImageFormat? format) =>
        format is GifFormat ? new GifDecoder { DecodingMode = FrameDecodingMode.First } : null;
}
