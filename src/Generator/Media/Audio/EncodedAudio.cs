namespace SkEmbeddingGemma.Media.Audio;

/// <summary>One clip's soft tokens for the text graph's <c>audio_features</c> input.</summary>
/// <param name="Features">Row-major <c>[SoftTokens, Width]</c>.</param>
/// <param name="SoftTokens">How many <c>&lt;|audio|&gt;</c> placeholders the clip expands to.</param>
/// <param name="Width">The feature width (the text model's hidden size).</param>
internal sealed record EncodedAudio(float[] Features, int SoftTokens, int Width);
