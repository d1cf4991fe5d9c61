namespace SkEmbeddingGemma.Media;

/// <summary>
/// transformers.js 4.3.1's <c>Gemma4ImageProcessor</c> (<c>image_processing_gemma4.js</c>): an aspect-preserving
/// bicubic resize to multiples of pooling kernel × patch size within the soft-token budget, 1/255 scaling, 16-px
/// patches, position ids with -1 padding, and one soft token per kernel × kernel block of real patches.
/// </summary>
/// <param name="PatchSize">Patch side in pixels.</param>
/// <param name="PoolingKernelSize">Side of the block of patches pooled into one soft token.</param>
internal sealed record Gemma4ImagePreprocessor(int PatchSize, int PoolingKernelSize)
{
    /// <summary>The budgets the released model was trained with (<c>max_soft_tokens</c>).</summary>
    public static readonly IReadOnlyList<int> SoftTokenBudgets = [70, 140, 280, 560, 1120];

    /// <summary>Gets the factor applied to 8-bit values (<c>rescale_factor</c>).</summary>
    public double RescaleFactor { get; init; } = 1 / 255.0;

    /// <summary>Gets the width of one flattened patch.</summary>
    public int PatchDim => PatchSize * PatchSize * 3;

    /// <summary>Resizes, scales and patchifies one image for a budget of <paramref name="maxSoftTokens"/>.</summary>
    /// <exception cref="InvalidDataException">The image is too thin to keep a single pooled block.</exception>
    public PreparedImage Prepare(RgbImage image, int maxSoftTokens, string describe)
    {
        int maxPatches = maxSoftTokens * PoolingKernelSize * PoolingKernelSize;
        (int height, int width) = TargetSize(image.Height, image.Width, maxPatches, describe);
        RgbImage resized = CubicResampler.Resize(image, width, height);

        int patchesH = height / PatchSize, patchesW = width / PatchSize, patches = patchesH * patchesW;
        if (patches > maxPatches)
        {
            throw new InvalidDataException($"{describe} ({image.Width}×{image.Height}) needs {patches} patches, more than the budget's {maxPatches}.");
        }

        var pixels = new float[maxPatches * PatchDim];
        byte[] source = resized.Pixels;
        int o = 0;
        for (int ph = 0; ph < patchesH; ph++)
        {
            for (int pw = 0; pw < patchesW; pw++)
            {
                for (int dy = 0; dy < PatchSize; dy++)
                {
                    int row = ((ph * PatchSize + dy) * width + pw * PatchSize) * 3;
                    for (int i = 0; i < PatchSize * 3; i++)
                    {
                        // A Float32Array element times the double rescale factor, stored back as float32.
                        pixels[o++] = (float)(source[row + i] * RescaleFactor);
                    }
                }
            }
        }

        var positions = new long[maxPatches * 2];
        Array.Fill(positions, -1L);
        int p = 0;
        for (int y = 0; y < patchesH; y++)
        {
            for (int x = 0; x < patchesW; x++)
            {
                positions[p++] = x;
                positions[p++] = y;
            }
        }

        return new PreparedImage(pixels, positions, maxPatches, patches / (PoolingKernelSize * PoolingKernelSize), width, height);
    }

    /// <summary><c>get_aspect_ratio_preserving_size</c>, in the same double arithmetic.</summary>
    internal (int Height, int Width) TargetSize(int height, int width, int maxPatches, string describe)
    {
        double targetPixels = maxPatches * (double)PatchSize * PatchSize;
        double factor = Math.Sqrt(targetPixels / ((double)height * width));
        int side = PoolingKernelSize * PatchSize;
        int targetHeight = (int)Math.Floor(factor * height / side) * side;
        int targetWidth = (int)Math.Floor(factor * width / side) * side;
        if (targetHeight == 0 && targetWidth == 0)
        {
            throw new InvalidDataException($"{describe} ({width}×{height}) would resize to 0×0 pixels.");
        }

        int maxSide = maxPatches / (PoolingKernelSize * PoolingKernelSize) * side;
        if (targetHeight == 0)
        {
            targetHeight = side;
            targetWidth = (int)Math.Min(Math.Floor((double)width / height) * side, maxSide);
        }
        else if (targetWidth == 0)
        {
            targetWidth = side;
            targetHeight = (int)Math.Min(Math.Floor((double)height / width) * side, maxSide);
        }

        return (targetHeight, targetWidth);
    }
}
