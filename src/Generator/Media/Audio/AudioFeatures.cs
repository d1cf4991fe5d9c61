namespace SkEmbeddingGemma.Media.Audio;

/// <summary>The log-mel features of one clip, the audio encoder's inputs.</summary>
/// <param name="Values">Row-major <c>[Frames, 128]</c>; rows of masked frames are zero.</param>
/// <param name="Mask">Per frame, whether every sample of its window is real audio.</param>
/// <param name="Frames">The frame count.</param>
/// <param name="SoftTokens">How many <c>&lt;|audio|&gt;</c> soft tokens the encoder returns: the valid frames among every 4th.</param>
internal sealed record AudioFeatures(float[] Values, bool[] Mask, int Frames, int SoftTokens);
