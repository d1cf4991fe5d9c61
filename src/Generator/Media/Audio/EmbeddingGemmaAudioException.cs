namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// An audio input cannot be read: not a WAV file, a header that contradicts itself or the data, an encoding that is
/// not supported, no samples, or longer than the configured limit. <see cref="InputName"/> names the input (a file
/// path or the name the caller gave it) so a caller can report which one.
/// </summary>
/// <remarks>
/// The reason reads after the name ("notes.wav has no samples ..."). Through the generator it reaches callers as an
/// <see cref="EmbeddingGemmaInputException"/> that also names the input's position (see <see cref="AudioMediaEncoder"/>).
/// </remarks>
internal sealed class EmbeddingGemmaAudioException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="EmbeddingGemmaAudioException"/> class.</summary>
    /// <param name="inputName">The input's name, such as its file path.</param>
    /// <param name="reason">What is wrong with it, without naming it.</param>
    /// <exception cref="ArgumentException"><paramref name="inputName"/> or <paramref name="reason"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="inputName"/> or <paramref name="reason"/> is <see langword="null"/>.</exception>
    public EmbeddingGemmaAudioException(string inputName, string reason)
        : base($"{inputName} {reason}")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        InputName = inputName;
        Reason = reason;
    }

    /// <summary>Gets the name of the input that cannot be read.</summary>
    public string InputName { get; }

    /// <summary>Gets what is wrong with the input, without naming it.</summary>
    public string Reason { get; }
}
