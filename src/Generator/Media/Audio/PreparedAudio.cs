namespace SkEmbeddingGemma.Media.Audio;

/// <summary>An audio clip decoded and featurized for the audio encoder: one block of <see cref="SoftTokens"/> tokens.</summary>
internal sealed class PreparedAudio(AudioFeatures features) : IPreparedMedia
{
    public AudioFeatures Features { get; } = features;

    public int SoftTokens => Features.SoftTokens;

    public int Blocks => 1;
}
