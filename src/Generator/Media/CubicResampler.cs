namespace SkEmbeddingGemma.Media;

/// <summary>
/// Bicubic resize of 8-bit RGB exactly as transformers.js does it in Node: sharp's <c>affine</c> with libvips'
/// bicubic (Catmull-Rom) interpolator. Output pixel (X, Y) samples input (X · w / W, Y · h / H) (corner convention, no
/// anti-aliasing when shrinking), pixels outside the image are black, and libvips' 8-bit fixed point is reproduced:
/// sub-pixel positions rounded to 1/64, coefficients truncated to 12 bits, each row rounded before the column pass.
/// </summary>
internal static class CubicResampler
{
    // libvips' VIPS_TRANSFORM_SHIFT and VIPS_INTERPOLATE_SHIFT.
    private const int TransformScale = 1 << 6;
    private const int InterpolateShift = 12;
    private const int InterpolateScale = 1 << InterpolateShift;

    private static readonly int[][] s_coefficients = BuildTable();

    /// <summary>Resizes <paramref name="image"/> to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        if (image.Width == width && image.Height == height)
        {
            return image;
        }

        int sw = image.Width, sh = image.Height;
        byte[] source = image.Pixels;
        var output = new byte[width * height * 3];

        // libvips inverts the scale matrix; the +1 is its interpolation window offset (it only matters for rounding).
        double inverseX = 1.0 / ((double)width / sw), inverseY = 1.0 / ((double)height / sh);
        var columns = new int[width];
        var columnTable = new int[width][];
        for (int x = 0; x < width; x++)
        {
            (columns[x], columnTable[x]) = Tap(x * inverseX + 1);
        }

        Span<int> rows = stackalloc int[4];
        for (int y = 0; y < height; y++)
        {
            (int iy, int[] cy) = Tap(y * inverseY + 1);
            for (int x = 0; x < width; x++)
            {
                int ix = columns[x];
                int[] cx = columnTable[x];
                for (int c = 0; c < 3; c++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        int sy = iy - 1 + j;
                        int sum = 0;
                        if ((uint)sy < (uint)sh)
                        {
                            int rowBase = sy * sw;
                            for (int i = 0; i < 4; i++)
                            {
                                int sx = ix - 1 + i;
                                if ((uint)sx < (uint)sw)
                                {
                                    sum += cx[i] * source[((rowBase + sx) * 3) + c];
                                }
                            }
                        }

                        rows[j] = Round(sum);
                    }

                    int value = Round((cy[0] * rows[0]) + (cy[1] * rows[1]) + (cy[2] * rows[2]) + (cy[3] * rows[3]));
                    output[((y * width + x) * 3) + c] = (byte)Math.Clamp(value, 0, 255);
                }
            }
        }

        return new RgbImage(width, height, output);
    }

    // The integer pixel and the coefficient row for an input coordinate (with libvips' +1 window offset).
    private static (int Pixel, int[] Coefficients) Tap(double position)
    {
        int scaled = (int)(position * TransformScale * 2) & ((TransformScale * 2) - 1);
        return ((int)position - 1, s_coefficients[(scaled + 1) >> 1]);
    }

    // Arithmetic shift rounds like libvips' unsigned_fixed_round, negative sums included.
    private static int Round(int value) => (value + (InterpolateScale >> 1)) >> InterpolateShift;

    private static int[][] BuildTable()
    {
        var table = new int[TransformScale + 1][];
        for (int i = 0; i <= TransformScale; i++)
        {
            // libvips' Catmull-Rom coefficients, in its operation order, of a float position, truncated to 12 bits.
            double x = (float)i / TransformScale;
            double cr1 = 1.0 - x, cr2 = -0.5 * x, cr3 = cr1 * cr2, one = cr1 * cr3, four = x * cr3, cr4 = four - one;
            double two = cr1 - one + cr4, three = x - four - cr4;
            table[i] = [(int)(one * InterpolateScale), (int)(two * InterpolateScale), (int)(three * InterpolateScale), (int)(four * InterpolateScale)];
        }

        return table;
    }
}
