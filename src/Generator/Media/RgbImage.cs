namespace SkEmbeddingGemma.Media;

/// <summary>A decoded image as 8-bit RGB, row-major HWC (the layout transformers.js' <c>RawImage.rgb()</c> holds).</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">Width × height × 3 bytes.</param>
internal sealed record RgbImage(int Width, int Height, byte[] Pixels);
