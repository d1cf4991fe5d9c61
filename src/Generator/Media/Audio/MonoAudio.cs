namespace SkEmbeddingGemma.Media.Audio;

/// <summary>The leading samples of a clip as 16 kHz mono, and how long the whole clip is at 16 kHz.</summary>
/// <param name="Samples">The first samples (at most the feature extractor's limit), in doubles as transformers.js's
/// Node.js recipe hands them over (<c>wavefile</c>'s <c>getSamples()</c> is a <c>Float64Array</c>).</param>
/// <param name="Length">The whole clip's length in 16 kHz samples; the feature mask counts from it.</param>
internal sealed record MonoAudio(double[] Samples, long Length);
