using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Media;
using Xunit.Abstractions;
using static SkEmbeddingGemma.Tests.Media.Formats.ImageFormatFixture;

namespace SkEmbeddingGemma.Tests.Media.Formats;

/// <summary>
/// Every accepted image format, colour type, bit depth and EXIF orientation against transformers.js 4.3.1 reading the
/// same file in Node.js: decoded RGB, pixel values, position ids, soft-token counts and the embedding of the image alone.
/// </summary>
public sealed class ImageFormatParityTests(ImageFormatFixture fixture, ITestOutputHelper output) : IClassFixture<ImageFormatFixture>
{
    private static readonly Gemma4ImagePreprocessor s_preprocessor = new(16, 3);

    [Fact]
    public async Task Lossless_formats_decode_to_sharps_pixels_and_embed_as_transformers_js()
    {
        // Every case is checked and reported before the test fails, so one run shows all the differences.
        var failures = new List<string>();
        foreach ((FormatCase c, int i) in Indexed(Decoding.Exact))
        {
            Reference reference = fixture.References[i];
            if (reference.Error is not null)
            {
                failures.Add($"{c.Name}: transformers.js could not read it: {reference.Error}");
                continue;
            }

            RgbImage decoded = Decode(c);
            if ((reference.Width, reference.Height) != (decoded.Width, decoded.Height))
            {
                failures.Add($"{c.Name}: {decoded.Width}x{decoded.Height}, transformers.js {reference.Width}x{reference.Height}");
                continue;
            }

            (int max, double mean) = Difference(fixture.ReferenceRgb(i), decoded.Pixels);
            PreparedImage prepared = s_preprocessor.Prepare(decoded, 280, c.Name);
            float difference = MaxDifference(reference.Embedding, await Embed(c));
            output.WriteLine($"{c.Name}: {decoded.Width}x{decoded.Height}, {reference.Channels} channel(s) in transformers.js, RGB max |diff| {max}, mean {mean:F4}, embedding max |diff| {difference:E2}");
            if (max != 0 || reference.SoftTokens != prepared.SoftTokens || !fixture.ReferencePositions(i).SequenceEqual(prepared.Positions)
                || !fixture.ReferencePixels(i).SequenceEqual(prepared.Pixels) || difference > 1e-4f)
            {
                failures.Add($"{c.Name}: RGB max |diff| {max}/255 (mean {mean:F4}), soft tokens {prepared.SoftTokens} vs {reference.SoftTokens}, embedding max |diff| {difference}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Lossy_formats_differ_from_sharps_decoder_only_by_rounding_and_keep_sizes_and_positions()
    {
        foreach ((FormatCase c, int i) in Indexed(Decoding.Lossy))
        {
            Reference reference = fixture.References[i];
            Assert.True(reference.Error is null, $"{c.Name}: transformers.js could not read it: {reference.Error}");
            RgbImage decoded = Decode(c);
            Assert.Equal((reference.Width, reference.Height), (decoded.Width, decoded.Height));
            (int max, double mean) = Difference(fixture.ReferenceRgb(i), decoded.Pixels);
            PreparedImage prepared = s_preprocessor.Prepare(decoded, 280, c.Name);
            (int maxAfterResize, double meanAfterResize) = Difference(fixture.ReferencePixels(i), prepared.Pixels);
            float embedding = MaxDifference(reference.Embedding, await Embed(c));
            output.WriteLine($"{c.Name}: RGB max |diff| {max}/255, mean {mean:F4}; pixel values after resize max {maxAfterResize}/255, mean {meanAfterResize:F4}; embedding max |diff| {embedding:E2}");

            Assert.Equal(reference.SoftTokens, prepared.SoftTokens);
            Assert.Equal(fixture.ReferencePositions(i), prepared.Positions);
            // libjpeg-turbo / libwebp and ImageSharp use different IDCTs and chroma upsampling; a wrong orientation,
            // channel order or colour conversion would differ by far more than these bounds.
            Assert.True(max <= MaxLossyDifference, $"{c.Name}: RGB max |diff| {max}/255");
            Assert.True(mean <= MaxLossyMeanDifference, $"{c.Name}: RGB mean |diff| {mean}/255");
        }
    }

    [Fact]
    public void Exif_orientations_turn_the_pixels_upright_as_sharp_does()
    {
        FormatCase upright = fixture.Cases.Single(c => c.Name == "exif1.png");
        RgbImage stored = Decode(upright);
        foreach ((FormatCase c, int i) in fixture.Cases.Select((c, i) => (c, i)).Where(p => p.c.Orientation > 0))
        {
            RgbImage decoded = Decode(c);
            bool swapped = c.Orientation >= 5;
            (int storedWidth, int storedHeight) = c.Name.EndsWith(".jpg", StringComparison.Ordinal) ? (320, 200) : (96, 48);
            Assert.Equal(swapped ? (storedHeight, storedWidth) : (storedWidth, storedHeight), (decoded.Width, decoded.Height));
            Assert.Equal((fixture.References[i].Width, fixture.References[i].Height), (decoded.Width, decoded.Height));
            if (c.Name.EndsWith(".png", StringComparison.Ordinal))
            {
                Assert.Equal(Orient(stored, c.Orientation).Pixels, decoded.Pixels);
            }
        }
    }

    [Fact]
    public async Task Files_transformers_js_cannot_read_in_node_decode_to_the_pixels_and_embedding_of_their_lossless_twins()
    {
        foreach ((FormatCase c, int i) in Indexed(Decoding.NotInSharp))
        {
            Assert.NotNull(fixture.References[i].Error);
            output.WriteLine($"{c.Name}: transformers.js in Node.js: {fixture.References[i].Error}");
            Reference twin = fixture.References[c.Twin];
            RgbImage decoded = Decode(c);
            Assert.Equal((twin.Width, twin.Height), (decoded.Width, decoded.Height));
            Assert.Equal(fixture.ReferenceRgb(c.Twin), decoded.Pixels);
            float difference = MaxDifference(twin.Embedding, await Embed(c));
            Assert.True(difference <= 1e-4f, $"{c.Name}: embedding max |diff| {difference} from {fixture.Cases[c.Twin].Name}'s");
        }
    }

    // Measured with this fixture's images (see the README): libjpeg-turbo vs ImageSharp, libwebp vs ImageSharp.
    private const int MaxLossyDifference = 32;

    private const double MaxLossyMeanDifference = 1.0;

    private IEnumerable<(FormatCase Case, int Index)> Indexed(Decoding decoding) =>
        fixture.Cases.Select((c, i) => (c, i)).Where(p => p.c.Decoding == decoding);

    private static RgbImage Decode(FormatCase c) => ImageDecoder.Decode(File.ReadAllBytes(c.Path), c.Name);

    private async Task<float[]> Embed(FormatCase c)
    {
        IEmbeddingGenerator<DataContent, Embedding<float>> images = fixture.Generator;
        var content = new DataContent(File.ReadAllBytes(c.Path), "image/" + Path.GetExtension(c.Name).TrimStart('.')) { Name = c.Name };
        return (await images.GenerateAsync([content]))[0].Vector.ToArray();
    }

    private static (int Max, double Mean) Difference(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int max = 0;
        long sum = 0;
        for (int p = 0; p < expected.Length; p++)
        {
            int d = Math.Abs(expected[p] - actual[p]);
            max = Math.Max(max, d);
            sum += d;
        }

        return (max, (double)sum / expected.Length);
    }

    // In units of 1/255, as the bytes above.
    private static (int Max, double Mean) Difference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0, sum = 0;
        for (int p = 0; p < expected.Length; p++)
        {
            double d = Math.Abs(expected[p] - actual[p]) * 255;
            max = Math.Max(max, d);
            sum += d;
        }

        return ((int)Math.Round(max), sum / expected.Length);
    }

    private static float MaxDifference(float[] expected, float[] actual) =>
        expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));

    // The EXIF orientations as the TIFF/EXIF specification defines them: where stored pixel (x, y) is shown upright.
    private static RgbImage Orient(RgbImage stored, int orientation)
    {
        int w = stored.Width, h = stored.Height;
        bool swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        var pixels = new byte[stored.Pixels.Length];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                (int ux, int uy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (h - 1 - y, x),
                    7 => (h - 1 - y, w - 1 - x),
                    8 => (y, w - 1 - x),
                    _ => (x, y),
                };
                Array.Copy(stored.Pixels, (y * w + x) * 3, pixels, (uy * ow + ux) * 3, 3);
            }
        }

        return new RgbImage(ow, oh, pixels);
    }
}
