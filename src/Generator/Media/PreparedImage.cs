namespace SkEmbeddingGemma.Media;

/// <summary>
/// One image as the vision encoder takes it: <c>pixel_values</c> rows (patches of 16 × 16 × 3 values in (dy, dx, c)
/// order, scaled to [0, 1], zero rows after the real patches) and <c>pixel_position_ids</c> ((x, y) per patch, -1 for
/// padding), both padded to the budget's patch count.
/// </summary>
/// <param name="Pixels">Patches × patch width values.</param>
/// <param name="Positions">Patches × 2 values.</param>
/// <param name="PatchCount">The padded patch count (budget × pooling kernel²).</param>
/// <param name="SoftTokens">How many soft tokens (placeholder tokens) the image becomes.</param>
/// <param name="Width">Width after the resize.</param>
/// <param name="Height">Height after the resize.</param>
internal sealed record PreparedImage(float[] Pixels, long[] Positions, int PatchCount, int SoftTokens, int Width, int Height);
